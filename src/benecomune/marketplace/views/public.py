"""The public sign-up of a provider (cooperative, association, professional)."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.middleware import client_ip
from benecomune.core.models import Municipality
from benecomune.marketplace.forms import SignupForm
from benecomune.marketplace.services.signup import sign_up, signup_errors

SIGNUPS_PER_HOUR = 5


def signup(request):
    municipalities = Municipality.objects.filter(is_active=True, network__isnull=False).order_by(
        "name"
    )
    form = SignupForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and not form.is_valid():
        _add_service_errors(form)
    elif request.method == "POST":
        data = dict(form.cleaned_data)
        if data.pop("website"):
            return redirect("marketplace:signup_done")  # a bot: say nothing
        key = f"marketplace:signup:{client_ip(request)}"
        if (cache.get(key) or 0) >= SIGNUPS_PER_HOUR:
            form.add_error(None, _("Troppe richieste da questa rete: riprovi tra un'ora."))
        else:
            try:
                sign_up(**data, ip_address=client_ip(request))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                cache.add(key, 0, 3600)
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, 3600)
                return redirect("marketplace:signup_done")
    return render(request, "marketplace/public/signup.html", {"form": form})


def _add_service_errors(form) -> None:
    """An incomplete form: the service's messages on the other fields too (a wrong partita
    IVA is said now, not after the missing Comune is chosen), and instead of the generic
    "required" where it has a clearer one."""
    for field, field_messages in signup_errors(form.cleaned_data).items():
        if field not in form.errors:
            form.add_error(field, field_messages)
        elif form.has_error(field, "required"):
            form.errors[field] = form.error_class(field_messages)


def signup_done(request):
    return render(request, "marketplace/public/signup_done.html")
