"""The demo agenda (called by marketplace/demo.py after the catalogue): resources with their
working weeks for the seed cooperatives, booking rules for a few services, the coming public
holidays, a weekly reading lab and the summer camp weeks as series. Everything goes through
the agenda's services; a provider that already has resources is left as it is."""

import datetime

from benecomune.bookings.models import Resource
from benecomune.bookings.services import agenda, agenda_schedule
from benecomune.core.models import Provider
from benecomune.marketplace.models import Service

T = datetime.time
WEEKDAYS = range(5)
SPLIT_DAY = [(d, T(8), T(12, 30)) for d in WEEKDAYS] + [(d, T(14), T(18)) for d in WEEKDAYS]
MORNINGS = [(d, T(9), T(13)) for d in WEEKDAYS]
AFTERNOONS = [(d, T(14, 30), T(19)) for d in WEEKDAYS]
HOLIDAYS = [(12, 8), (12, 25), (12, 26), (1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15)]

# slug -> [(resource name, kind, week)]
RESOURCES = {
    "coop-jonathan": [
        ("Anna, operatrice socio-sanitaria", "person", [*SPLIT_DAY, (5, T(8), T(12))]),
        ("Luca, operatore socio-sanitario", "person", SPLIT_DAY),
        ("Sara, infermiera", "person", MORNINGS),
    ],
    "coop-graticolato": [
        ("Giulia, pedagogista", "person", AFTERNOONS),
        ("Sala laboratori", "room", [*MORNINGS, *AFTERNOONS]),
    ],
    "progetto-now": [("Aula studio", "room", AFTERNOONS)],
}

# (slug, service title) -> (rules, resource names)
SCHEDULES = {
    ("coop-jonathan", "Assistenza domiciliare"): (
        {"duration_minutes": 60, "buffer_before_minutes": 15, "step_minutes": 30},
        ["Anna, operatrice socio-sanitaria", "Luca, operatore socio-sanitario"],
    ),
    ("coop-jonathan", "Assistenza infermieristica a domicilio"): (
        {"duration_minutes": 30, "buffer_before_minutes": 10, "buffer_after_minutes": 10},
        ["Sara, infermiera"],
    ),
    ("coop-graticolato", "Consulenza educativa"): (
        {"duration_minutes": 60, "step_minutes": 60, "min_notice_hours": 48},
        ["Giulia, pedagogista"],
    ),
    ("progetto-now", "Laboratorio di lettura"): (
        {"duration_minutes": 90, "capacity": 12, "step_minutes": 90, "buffer_after_minutes": 15},
        ["Aula studio"],
    ),
}
DEFAULT_RULES = {
    "capacity": 1,
    "buffer_before_minutes": 0,
    "buffer_after_minutes": 0,
    "min_notice_hours": 24,
    "window_days": 90,
    "step_minutes": 30,
}


def _next(weekday: int, after: datetime.date) -> datetime.date:
    return after + datetime.timedelta(days=(weekday - after.weekday()) % 7 or 7)


def _summer_monday(today: datetime.date) -> datetime.date:
    year = today.year if today < datetime.date(today.year, 6, 1) else today.year + 1
    return _next(0, datetime.date(year, 6, 14))


def _service(provider, title):
    return Service.objects_unscoped.filter(provider=provider, title=title).first()


def _seed_provider(actor, provider, today) -> None:
    resources = {}
    for name, kind, week in RESOURCES[provider.slug]:
        resource = agenda.create_resource(actor, provider, name=name, kind=kind)
        agenda.set_working_hours(actor, resource, week)
        resources[name] = resource
    for (slug, title), (rules, names) in SCHEDULES.items():
        service = _service(provider, title) if slug == provider.slug else None
        if service is not None:
            agenda_schedule.set_schedule(
                actor,
                service,
                **{**DEFAULT_RULES, **rules},
                resources=[resources[n] for n in names],
            )
    for month, day in HOLIDAYS:
        date = datetime.date(today.year, month, day)
        if date <= today:
            date = date.replace(year=today.year + 1)
        agenda.add_exception(actor, provider, date=date, note="Festività", today=today)


def _seed_series(actor, network, today) -> None:
    reading = Provider.objects.filter(slug="progetto-now", network=network).first()
    service = _service(reading, "Laboratorio di lettura") if reading else None
    if service is not None:
        agenda_schedule.create_series(
            actor,
            service,
            title="Lettura ad alta voce, ogni martedì",
            first_day=_next(1, today + datetime.timedelta(days=7)),
            weekdays=[1],
            weeks=10,
            starts_at=T(17),
            ends_at=T(18, 30),
            capacity=12,
            today=today,
        )
    camp = Provider.objects.filter(slug="coop-graticolato", network=network).first()
    service = _service(camp, "Centro estivo") if camp else None
    if service is None:
        return
    room = Resource.objects_unscoped.filter(provider=camp, name="Sala laboratori").first()
    monday = _summer_monday(today)
    for n in range(2):
        agenda_schedule.create_series(
            actor,
            service,
            title=f"Centro estivo, {n + 1}ª settimana",
            first_day=monday + datetime.timedelta(weeks=n),
            weekdays=list(WEEKDAYS),
            weeks=1,
            starts_at=T(8, 30),
            ends_at=T(12, 30),
            capacity=20,
            resource=room,
            today=today,
        )


def seed(actor, network) -> None:
    today = agenda.local_now().date()
    seeded = False
    for slug in RESOURCES:
        provider = Provider.objects.filter(slug=slug, network=network).first()
        if provider is None or Resource.objects_unscoped.filter(provider=provider).exists():
            continue
        _seed_provider(actor, provider, today)
        seeded = True
    if seeded:
        _seed_series(actor, network, today)
