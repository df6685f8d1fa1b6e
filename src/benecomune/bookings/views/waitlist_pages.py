"""The waiting list's pages: joining a full slot from its booking page (the citizen, or the
desk for a resident with their consent), the citizen's entries in "Le mie prenotazioni" and
one entry with its offer (accept: the checkout of a priced service, as a booking; decline) or
"leave the list". Another citizen's entry is a 404; the desk reaches only residents of its
Comune (`Person.objects`, scoped)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings import order_queries
from benecomune.bookings.booking_forms import WhoForm, new_key
from benecomune.bookings.models import OwnMoney
from benecomune.bookings.models.waitlist import WaitlistStatus
from benecomune.bookings.order_forms import CheckoutForm
from benecomune.bookings.services import agenda_reads, bookings, order_options, waitlist
from benecomune.bookings.views.bookings_citizen import _after_booking as after_booking
from benecomune.bookings.views.bookings_citizen import _date, _time
from benecomune.bookings.views.orders_citizen import citizen_actor
from benecomune.core.forms_helpers import add_errors
from benecomune.core.models import Person
from benecomune.core.views.decorators import citizen_required
from benecomune.marketplace.services.public_catalogue import person_of
from benecomune.marketplace.views.threads_desk import desk_page


def _error(request, exc) -> None:
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("Non ha i permessi per questa operazione."))


def _join(request, *, actor, booker, service_pk, back, done, desk=False):
    service = order_queries.service_for_checkout(service_pk)
    if service is None or agenda_reads.schedule_of(service) is None:
        raise Http404
    day, time = _date(request.POST.get("giorno")), _time(request.POST.get("ora"))
    back = f"{back}?{urlencode({'giorno': request.POST.get('giorno', ''), 'ora': request.POST.get('ora', '')})}"  # noqa: E501
    who = WhoForm(request.POST, people=bookings.household_people(booker), prefix="chi", desk=desk)
    if day is None or time is None or not who.is_valid():
        messages.error(request, _("Scelga il giorno, l'orario e per chi."))
        return redirect(back)
    person = next(
        p for p in bookings.household_people(booker) if p.pk == who.cleaned_data["person"]
    )
    try:
        entry = waitlist.join(
            actor,
            service=service,
            booker=booker,
            person=person,
            day=day,
            time=time,
            idempotency_key=request.POST.get("key", ""),
            consent_note=who.cleaned_data.get("consent_note", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
        return redirect(back)
    if entry.status == WaitlistStatus.OFFERED:
        messages.success(request, _("Si è appena liberato un posto: è tenuto per lei."))
    else:
        messages.success(request, _("Iscrizione alla lista d'attesa registrata."))
    return done(entry)


@citizen_required
@require_POST
def waitlist_join(request, service_pk):
    return _join(
        request,
        actor=citizen_actor(request),
        booker=person_of(request.user),
        service_pk=service_pk,
        back=reverse("bookings:booking_new", args=[service_pk]),
        done=lambda entry: redirect("bookings:my_waitlist_entry", pk=entry.pk),
    )


@require_POST
@desk_page
def desk_waitlist_join(request, person_pk, service_pk):
    person = get_object_or_404(Person.objects, pk=person_pk)
    return _join(
        request,
        actor=request.actor,
        booker=person,
        service_pk=service_pk,
        back=reverse("bookings:desk_booking_new", args=[person.pk, service_pk]),
        done=lambda entry: redirect("bookings:desk_bookings", person_pk=person.pk),
        desk=True,
    )


# --- the citizen's entries ---------------------------------------------------------------------


def _own(request, pk):
    entry = waitlist.entry_of_person(request.user.person_id, pk)
    if entry is None:
        raise Http404
    return entry


@citizen_required
def my_waitlist_entry(request, pk):
    entry = _own(request, pk)
    waitlist.expire_due(entry_id=entry.pk)
    entry.refresh_from_db()
    offered = entry.status == WaitlistStatus.OFFERED
    offer, checkout = None, None
    if offered and bookings.is_priced(entry.service):
        try:
            offer = order_options.offer_for(entry.booker, entry.service, None, 1)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            checkout = CheckoutForm(request.POST or None, offer=offer)
    if request.method == "POST" and offered and (checkout is None or checkout.is_valid()):
        answer = _accept(request, entry, checkout)
        if answer is not None:
            return answer
    return render(
        request,
        "bookings/waitlist_entry.html",
        {
            "entry": entry,
            "offered": offered,
            "waiting": entry.status == WaitlistStatus.WAITING,
            "place": waitlist.position(entry) if entry.status == WaitlistStatus.WAITING else None,
            "offer": offer,
            "form": checkout,
            "new_key": new_key(),
            "now": timezone.now(),
        },
    )


def _accept(request, entry, checkout):
    """The offer accepted (a redirect), or None with the refusal on the checkout form."""
    data = checkout.cleaned_data if checkout else {}
    try:
        booking = waitlist.accept(
            citizen_actor(request),
            entry,
            split=data.get("split") or {},
            own_amount=data.get("own_cents") or 0,
            own_money=data.get("own_money") if data.get("own_cents") else OwnMoney.NONE,
        )
    except (ValidationError, PermissionDenied) as exc:
        if checkout is not None and isinstance(exc, ValidationError):
            add_errors(checkout, exc)
            return None
        _error(request, exc)
        return redirect("bookings:my_waitlist_entry", pk=entry.pk)
    return after_booking(request, booking)


def _move(request, pk, step, success):
    entry = _own(request, pk)
    try:
        step(citizen_actor(request), entry)
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
        return redirect("bookings:my_waitlist_entry", pk=entry.pk)
    messages.success(request, success)
    return redirect("bookings:my_bookings")


@citizen_required
@require_POST
def my_waitlist_decline(request, pk):
    return _move(
        request, pk, waitlist.decline, _("Posto rifiutato: passa alla persona successiva.")
    )


@citizen_required
@require_POST
def my_waitlist_leave(request, pk):
    return _move(request, pk, waitlist.leave, _("È uscito dalla lista d'attesa."))


@require_POST
@desk_page
def desk_waitlist_leave(request, person_pk, pk):
    """The desk takes a resident out of a list, with their consent."""
    person = get_object_or_404(Person.objects, pk=person_pk)
    entry = waitlist.entry_of_person(person.pk, pk)
    if entry is None:
        raise Http404
    try:
        waitlist.leave(request.actor, entry, consent_note=request.POST.get("consent_note", ""))
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Uscita dalla lista d'attesa registrata."))
    return redirect("bookings:desk_bookings", person_pk=person.pk)
