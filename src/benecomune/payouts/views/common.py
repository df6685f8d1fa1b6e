"""Helpers shared by the payouts pages."""

from django.core.exceptions import ValidationError


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def querystring(request, **drop) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for key in drop:
        params.pop(key, None)
    return params.urlencode()
