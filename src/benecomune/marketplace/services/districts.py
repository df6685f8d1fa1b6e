"""A shop's opening hours: the week (slots per weekday, replaced as a whole from one form),
closures on given dates, and "open now", read in Europe/Rome time whatever the server's
clock (a day of the change to or from summer time has 23 or 25 hours, the slots do not move).

Only shops (`provider_kind` shop) belong to a commerce district; their staff (owner or
operator) keep the hours."""

import datetime
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Provider, ProviderKind
from benecomune.marketplace.models import OpeningException, OpeningSlot, Weekday
from benecomune.marketplace.services.common import (
    clean_line,
    require_provider_staff,
)

ROME = ZoneInfo("Europe/Rome")
MAX_SLOTS_PER_DAY = 2
MAX_CLOSURE_DAYS = 366


def require_shop_staff(actor: Actor, provider: Provider) -> None:
    require_provider_staff(actor, provider)
    if provider.provider_kind != ProviderKind.SHOP:
        raise ValidationError(_("Orari e offerte sono per gli esercizi commerciali del distretto."))


def _label(weekday: int) -> str:
    return str(Weekday(weekday).label)


def clean_week(slots) -> list[tuple[int, datetime.time, datetime.time]]:
    """[(weekday, opens, closes)] checked: known weekday, end after start, no overlap within a
    day, at most MAX_SLOTS_PER_DAY a day. Raises one ValidationError with every problem."""
    errors: list[str] = []
    by_day: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for weekday, opens, closes in slots:
        if weekday not in Weekday.values:
            errors.append(_("Giorno della settimana non valido."))
            continue
        if opens is None or closes is None:
            errors.append(
                _("%(day)s: indichi sia l'ora di apertura sia quella di chiusura.")
                % {"day": _label(weekday)}
            )
            continue
        if closes <= opens:
            errors.append(
                _("%(day)s: la chiusura (%(closes)s) deve venire dopo l'apertura (%(opens)s).")
                % {"day": _label(weekday), "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}
            )
            continue
        by_day.setdefault(weekday, []).append((opens, closes))
    clean = []
    for weekday in sorted(by_day):
        day = sorted(by_day[weekday])
        if len(day) > MAX_SLOTS_PER_DAY:
            errors.append(
                _("%(day)s: al massimo %(n)s fasce di apertura.")
                % {"day": _label(weekday), "n": MAX_SLOTS_PER_DAY}
            )
        for (opens, closes), (next_opens, next_closes) in itertools.pairwise(day):
            if next_opens < closes:
                errors.append(
                    _("%(day)s: le fasce %(a)s e %(b)s si sovrappongono.")
                    % {
                        "day": _label(weekday),
                        "a": f"{opens:%H:%M}-{closes:%H:%M}",
                        "b": f"{next_opens:%H:%M}-{next_closes:%H:%M}",
                    }
                )
        clean += [(weekday, opens, closes) for opens, closes in day]
    if errors:
        raise ValidationError(errors)
    return clean


def _week_snapshot(provider) -> list[str]:
    return [
        f"{s.weekday}:{s.opens_at:%H:%M}-{s.closes_at:%H:%M}"
        for s in OpeningSlot.objects_unscoped.filter(provider=provider)
    ]


@transaction.atomic
def set_week(actor: Actor, provider: Provider, slots) -> list[OpeningSlot]:
    """Replace the shop's week with `slots` [(weekday, opens, closes)]; nothing changes
    unless every slot is valid. A weekday without slots is closed."""
    require_shop_staff(actor, provider)
    clean = clean_week(slots)
    # One writer at a time per shop: two saves of the form never mix their slots.
    Provider.objects.select_for_update().filter(pk=provider.pk).first()
    before = _week_snapshot(provider)
    OpeningSlot.objects_unscoped.filter(provider=provider).delete()
    rows = OpeningSlot.objects_unscoped.bulk_create(
        OpeningSlot(provider=provider, weekday=weekday, opens_at=opens, closes_at=closes)
        for weekday, opens, closes in clean
    )
    after = _week_snapshot(provider)
    if after != before:
        audit.record(
            actor,
            "marketplace.hours_updated",
            provider,
            organization=provider,
            before={"week": before},
            after={"week": after},
        )
    return rows


@transaction.atomic
def add_closure(
    actor: Actor,
    provider: Provider,
    *,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> OpeningException:
    """A closure from `start_date` to `end_date` (the same day when not given)."""
    require_shop_staff(actor, provider)
    today = today or timezone.localdate()
    end_date = end_date or start_date
    errors: dict[str, list[str]] = {}
    if start_date is None:
        errors["start_date"] = [_("Indichi il primo giorno di chiusura.")]
    elif end_date < start_date:
        errors["end_date"] = [_("L'ultimo giorno di chiusura non può venire prima del primo.")]
    elif end_date < today:
        errors["end_date"] = [_("La chiusura è già passata: indichi date future.")]
    elif (end_date - start_date).days >= MAX_CLOSURE_DAYS:
        errors["end_date"] = [_("Una chiusura dura al massimo un anno.")]
    if errors:
        raise ValidationError(errors)
    closure = OpeningException.objects_unscoped.create(
        provider=provider, start_date=start_date, end_date=end_date, note=clean_line(note, 200)
    )
    audit.record(
        actor,
        "marketplace.closure_added",
        closure,
        organization=provider,
        after={"from": str(start_date), "until": str(end_date), "note": closure.note},
    )
    return closure


@transaction.atomic
def remove_closure(actor: Actor, closure: OpeningException) -> None:
    require_shop_staff(actor, closure.provider)
    audit.record(
        actor,
        "marketplace.closure_removed",
        closure,
        organization=closure.provider_id,
        before={
            "from": str(closure.start_date),
            "until": str(closure.end_date),
            "note": closure.note,
        },
    )
    closure.delete()


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayHours:
    weekday: int
    label: str
    slots: list[tuple[datetime.time, datetime.time]]


def week_of(provider_ids) -> dict[int, list[DayHours]]:
    """{provider id: seven DayHours, Monday first} for the given shops, in one query."""
    ids = [getattr(p, "pk", p) for p in provider_ids]
    slots: dict[int, dict[int, list]] = {pk: {} for pk in ids}
    for slot in OpeningSlot.objects_unscoped.filter(provider_id__in=ids):
        slots[slot.provider_id].setdefault(slot.weekday, []).append((slot.opens_at, slot.closes_at))
    return {
        pk: [DayHours(d.value, str(d.label), sorted(days.get(d.value, []))) for d in Weekday]
        for pk, days in slots.items()
    }


def closures_of(provider_ids, *, from_day: datetime.date) -> dict[int, list[OpeningException]]:
    """Closures not yet over on `from_day`, per shop."""
    ids = [getattr(p, "pk", p) for p in provider_ids]
    result: dict[int, list] = {pk: [] for pk in ids}
    for closure in OpeningException.objects_unscoped.filter(
        provider_id__in=ids, end_date__gte=from_day
    ):
        result[closure.provider_id].append(closure)
    return result


def local_now(now: datetime.datetime | None = None) -> datetime.datetime:
    return timezone.localtime(now or timezone.now(), ROME)


def is_open(week: list[DayHours], closures: list[OpeningException], at: datetime.datetime):
    """Open at the aware moment `at` (read in Europe/Rome): a slot of its weekday holds the
    time, and no closure covers its date."""
    moment = local_now(at)
    day, time = moment.date(), moment.time().replace(tzinfo=None)
    if any(c.start_date <= day <= c.end_date for c in closures):
        return False
    return any(opens <= time < closes for opens, closes in week[day.weekday()].slots)


def open_now(provider: Provider, now: datetime.datetime | None = None) -> bool:
    moment = local_now(now)
    week = week_of([provider])[provider.pk]
    return is_open(week, closures_of([provider], from_day=moment.date())[provider.pk], moment)


def has_hours(week: list[DayHours]) -> bool:
    return any(day.slots for day in week)
