"""Small helpers every app's views share: a service's ValidationError onto a form, and the
current page's query string with some parameters changed (for paging and export links)."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

CONSENT_LABEL = gettext_lazy("Come ha dato il consenso il cittadino")
CONSENT_HELP = gettext_lazy(
    "Per esempio: di persona allo sportello, documento d'identità verificato; oppure: delega "
    "scritta firmata, conservata agli atti."
)


def consent_field(*, required: bool = True, help_text=CONSENT_HELP) -> forms.CharField:
    """The desk's note of how the citizen consented to be assisted (core.on_behalf)."""
    return forms.CharField(
        label=CONSENT_LABEL, max_length=200, required=required, help_text=help_text
    )


def add_errors(form, exc: ValidationError, *, on_fields: bool = True) -> None:
    """A service's ValidationError on the form: on its field when it names one the form has,
    else at the top. `on_fields=False` puts every message at the top (for pages whose forms
    do not show field errors)."""
    if on_fields and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def querystring(request_or_params, *drop: str, keep_page: bool = False, **changes) -> str:
    """The request's GET parameters (or a QueryDict/dict) encoded, without the page number
    (a new filter starts from page one) and without the names in `drop`; keyword arguments
    set (or, when None or "", remove) single values."""
    params = getattr(request_or_params, "GET", request_or_params)
    params = params.copy() if hasattr(params, "copy") else dict(params)
    if not keep_page:
        params.pop("page", None)
    for key in drop:
        params.pop(key, None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    if hasattr(params, "urlencode"):
        return params.urlencode()
    return urlencode(params)


def pairs_querystring(*pairs: tuple[str, object]) -> str:
    """`a=1&b=2` from (name, value) pairs, leaving out empty values, escaped."""
    return urlencode([(key, value) for key, value in pairs if value not in (None, "")])
