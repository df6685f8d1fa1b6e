"""The citizen's own pages: profile with payment data, and messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.forms import PaymentAccountForm
from benecomune.core.services import people as people_services
from benecomune.core.views.decorators import citizen_required
from benecomune.core.views.people import _add_errors


@citizen_required
def profile(request):
    person = request.user.person
    form = PaymentAccountForm(
        request.POST or None,
        initial={"iban": person.iban, "iban_holder": person.iban_holder or person.full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.set_payment_account(
                request.actor,
                person,
                iban=form.cleaned_data["iban"],
                holder=form.cleaned_data["iban_holder"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Dati di pagamento aggiornati."))
            return redirect("core:profile")
    household = people_services.household_of(person)
    members = household.members.select_related("person") if household else []
    return render(
        request,
        "core/citizen/profile.html",
        {"person": person, "form": form, "household": household, "members": members},
    )


@citizen_required
def inbox(request):
    person = request.user.person
    notes = list(person.notifications.all()[:50])
    person.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "core/citizen/inbox.html", {"notes": notes})
