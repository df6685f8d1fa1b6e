"""The citizen's own pages: profile with payment data, and messages."""

from django.shortcuts import redirect, render
from django.utils import timezone

from benecomune.core.services import people as people_services
from benecomune.core.views.decorators import citizen_required
from benecomune.core.views.people import payment_account_form


@citizen_required
def profile(request):
    person = request.user.person
    form, saved = payment_account_form(request, person)
    if saved:
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
