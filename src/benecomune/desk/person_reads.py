"""What a Point's operator may read about the person of one of their cases, and a citizen about
their own appointments: the scope of these queries is the operator's own cases (desk.access)
or the person, not a tenant, since the rows live in the person's Comuni, employers and
Points. Views read through here, never with an unscoped manager of their own."""

import datetime

from benecomune.bookings.slots import ROME
from benecomune.calls.models import Application
from benecomune.desk import access
from benecomune.desk.models import (
    Appointment,
    AppointmentClosure,
    AppointmentHours,
    WelfarePoint,
)
from benecomune.ledger.models import Wallet
from benecomune.vouchers.models import CardStatus, VoucherCard

# --- the person of a case ----------------------------------------------------------------------


def case_person_wallets(case):
    return Wallet.objects_unscoped.filter(person_id=case.person_id).select_related("organization")


def active_card(wallet) -> VoucherCard | None:
    return VoucherCard.objects_unscoped.filter(
        wallet_id=wallet.pk, status=CardStatus.ACTIVE
    ).first()


def applications_of(person):
    return (
        Application.objects_unscoped.filter(applicant=person)
        .select_related("call")
        .order_by("-created_at")
    )


def case_person_application(actor, pk) -> Application | None:
    """The application if its applicant is the person of one of the actor's own cases."""
    people = access.own_cases(actor).exclude(person=None).values("person_id")
    return (
        Application.objects_unscoped.filter(pk=pk, applicant_id__in=people)
        .select_related("call", "call__organization", "applicant", "organization", "assisted_by")
        .first()
    )


# --- appointments --------------------------------------------------------------------------------


def bookable_points():
    """Points open to the public that receive by appointment."""
    return WelfarePoint.objects_unscoped.select_related("municipality").filter(
        is_active=True, is_public=True, appointments_enabled=True
    )


def appointments_of(person, limit=50):
    return (
        Appointment.objects_unscoped.filter(person=person)
        .select_related("point", "point__municipality")
        .order_by("-starts_at")[:limit]
    )


def own_appointment(person, pk) -> Appointment | None:
    return Appointment.objects_unscoped.filter(pk=pk, person=person).first()


def agenda_from(point, day: datetime.date, limit=200):
    """The Point's appointments from the start of `day` (Rome), for its operators."""
    return (
        Appointment.objects_unscoped.filter(
            point=point, starts_at__gte=datetime.datetime.combine(day, datetime.time(), ROME)
        )
        .select_related("person", "booked_by")
        .order_by("starts_at")[:limit]
    )


def point_appointment(points, pk) -> Appointment | None:
    """An appointment at one of the operator's Points (`points`: from operator_page)."""
    return (
        Appointment.objects_unscoped.select_related("point")
        .filter(pk=pk, point__in=[p.pk for p in points])
        .first()
    )


def point_closure(point, pk):
    """A closure of this Point (another Point's is None)."""
    return AppointmentClosure.objects_unscoped.filter(point=point, pk=pk).first()


def hours_of(point):
    return list(AppointmentHours.objects_unscoped.filter(point=point))


def person_by_fiscal_code(code: str):
    """The registered person with this (normalised) codice fiscale, or None."""
    from benecomune.core.models import Person

    return Person.objects_unscoped.filter(fiscal_code=code).first()
