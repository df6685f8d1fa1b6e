"""Demo Welfare Points: one at the Comune of Piazzola sul Brenta, one at a union's office
(run under the network's agreement), one company Welfare Point at Meccanica Brenta; a Welfare
Manager login for each (and desk staff and a coordinator at Piazzola), and a case in every
state at each Point, opened and moved through the real services. Additive and idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core.actors import Actor
from benecomune.core.demo import data
from benecomune.core.models import Company, Membership, Municipality, Person, Role, User
from benecomune.core.services.memberships import grant_role
from benecomune.desk.models import (
    ConsentMethod,
    ConsentPurpose,
    Need,
    PointKind,
    Source,
    WelfarePoint,
)
from benecomune.desk.services import appointments, cases, intake, points

HOURS = "Lunedì e giovedì 9:00-12:30\nMercoledì 15:00-18:00"


def _user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, data.DEMO_PASSWORD, full_name=full_name)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="demo", confirmed=True, key=data.DEMO_TOTP_HEX)
    return user


def _operator(actor, point, email, name, role) -> Actor:
    user = _user(email, name)
    organization = point.organization
    if not Membership.objects.filter(user=user, organization=organization, role=role).exists():
        grant_role(actor, user, organization, role)
    membership = Membership.objects.get(user=user, organization=organization, role=role)
    points.add_operator(actor, point, membership)
    return Actor.for_membership(membership)


def _needs(*codes):
    return list(Need.objects.filter(code__in=codes))


def _open(manager, point, person, needs, *, urgency="normal", source=Source.WALK_IN, review=None):
    special = any(n.area.special_category for n in needs)
    consents = [ConsentPurpose.INTAKE, ConsentPurpose.CONTACT]
    if special:
        consents.append(ConsentPurpose.SPECIAL)
    return intake.open_case(
        manager,
        point,
        intake.Intake(
            source=source,
            needs=needs,
            urgency=urgency,
            fiscal_code=person.fiscal_code,
            next_review_on=review,
            consents=consents,
            consent_method=ConsentMethod.SIGNED,
            consent_note="Documento d'identità visto, modulo firmato",
            summary="Primo colloquio allo sportello.",
        ),
    )


def _cases(manager, point, people, today):
    """One case per state (and an urgent one waiting for review today)."""
    elder, family, adult, other = people
    opened = _open(
        manager,
        point,
        elder,
        _needs("assistenza-domiciliare-anziani", "solitudine"),
        urgency="high",
        review=today,
    )
    cases.add_note(manager, opened, text="Vive sola, la figlia abita a Padova.")
    working = _open(
        manager,
        point,
        family,
        _needs("doposcuola", "centri-estivi"),
        review=today + datetime.timedelta(days=14),
    )
    cases.start(manager, working)
    cases.add_note(
        manager,
        working,
        text="Situazione economica delicata: parlarne solo con lei.",
        confidential=True,
    )
    waiting = _open(manager, point, adult, _needs("bollette", "lavoro"), source=Source.PHONE)
    cases.start(manager, waiting)
    cases.suspend(manager, waiting, reason="In attesa dell'ISEE aggiornato")
    closed = _open(manager, point, other, _needs("pratiche-online"))
    cases.start(manager, closed)
    cases.close(manager, closed, outcome="answered", note="SPID attivato allo sportello.")


def _point(actor, organization, **fields) -> WelfarePoint:
    existing = WelfarePoint.objects_unscoped.filter(name=fields["name"]).first()
    return existing or points.create_point(actor, organization, **fields)


def _people(rows, rng, *, older=False, exclude=()):
    pool = [
        p
        for p in rows.order_by("pk")
        if p.pk not in exclude and p.age_on(datetime.date(2026, 1, 1)) >= 18
    ]
    elders = [p for p in pool if p.age_on(datetime.date(2026, 1, 1)) >= 70]
    adults = [p for p in pool if p not in elders]
    chosen = [rng.choice(elders)] if (older and elders) else [rng.choice(adults)]
    chosen += rng.sample([p for p in adults if p not in chosen], 3)
    return chosen


def seed(actor, network, rng):
    if WelfarePoint.objects_unscoped.filter(organization__network=network).exists() or (
        WelfarePoint.objects_unscoped.filter(organization=network).exists()
    ):
        return []
    piazzola = Municipality.objects.get(slug="piazzola-sul-brenta")
    company = Company.objects.filter(network=network).order_by("pk").first()
    today = timezone.localdate()
    logins = []
    with transaction.atomic():
        comune = _point(
            actor,
            piazzola,
            kind=PointKind.MUNICIPAL,
            name="Punto Welfare di Piazzola sul Brenta",
            host="",
            address="Viale Silvestro Camerini 3",
            municipality=piazzola,
            opening_hours=HOURS,
            services="Ascolto e orientamento, aiuto con domande e rimborsi, SPID e pratiche online",
            languages="italiano, inglese, rumeno",
            accessibility="Piano terra, ingresso senza gradini, bagno accessibile",
            phone="049 9696111",
            email="puntowelfare@piazzola.demo.benecomune.it",
            is_public=True,
            is_active=True,
        )
        union = _point(
            actor,
            network,
            kind=PointKind.UNION,
            name="Punto Welfare presso la sede sindacale",
            host="Sindacato pensionati, sede di Piazzola",
            address="Via dei Contarini 21",
            municipality=piazzola,
            opening_hours="Martedì e venerdì 9:00-12:00",
            services="Orientamento per pensionati e lavoratori, welfare aziendale e contrattuale",
            languages="italiano",
            accessibility="Primo piano con ascensore",
            phone="",
            email="",
            is_public=True,
            is_active=True,
        )
        factory = _point(
            actor,
            company,
            kind=PointKind.COMPANY,
            name="Punto Welfare aziendale Meccanica Brenta",
            host="",
            address="Via dell'Industria 8",
            municipality=piazzola,
            opening_hours="Giovedì 13:00-15:00 (pausa pranzo), in mensa",
            services="Piano welfare, rimborsi, servizi per la famiglia dei dipendenti",
            languages="italiano, inglese, albanese",
            accessibility="Sala mensa al piano terra",
            phone="",
            email="",
            is_public=False,
            is_active=True,
        )
        specs = [
            (comune, "welfare@piazzola.demo.benecomune.it", "Marta Welfare", Role.WELFARE_MANAGER),
            (
                comune,
                "sportello-welfare@piazzola.demo.benecomune.it",
                "Luca Accoglienza",
                Role.WELFARE_DESK_STAFF,
            ),
            (
                comune,
                "coordinamento@piazzola.demo.benecomune.it",
                "Sergio Coordina",
                Role.WELFARE_COORDINATOR,
            ),
            (
                union,
                "welfare@sindacato.demo.benecomune.it",
                "Renato Sindacale",
                Role.WELFARE_MANAGER,
            ),
            (
                factory,
                "welfare@meccanica-brenta.demo.benecomune.it",
                "Irene Aziendale",
                Role.WELFARE_MANAGER,
            ),
        ]
        managers = {}
        for point, email, name, role in specs:
            operator = _operator(actor, point, email, name, role)
            managers.setdefault(point.pk, operator)
            label = f"{Role(role).label} — {point.name}"
            logins.append((label, email, "totp"))
        used: set[int] = set()
        residents = Person.objects_unscoped.filter(residence=piazzola)
        employees = Person.objects_unscoped.filter(employments__company=company)
        for point, rows, older in (
            (comune, residents, True),
            (union, residents, True),
            (factory, employees if employees.exists() else residents, False),
        ):
            people = _people(rows, rng, older=older, exclude=used)
            used.update(p.pk for p in people)
            _cases(managers[point.pk], point, people, today)
        # A person who does not want to be named: an anonymous contact at the Comune's Point.
        intake.open_case(
            managers[comune.pk],
            comune,
            intake.Intake(
                source=Source.OUTREACH,
                needs=_needs("spesa-alimentare"),
                anonymous_label="Signore, circa 50 anni, incontrato al mercato del sabato",
                summary="Chiede dove trovare aiuto per la spesa; non vuole lasciare il nome.",
            ),
        )
        _appointments(actor, comune, managers[comune.pk])
    return logins


def _appointments(actor, point, manager) -> None:
    """The Comune's Point receives by appointment in its hours; the demo citizen has one; the
    Point is closed for staff training on a Wednesday afternoon in the coming weeks."""
    T = datetime.time
    point = appointments.set_appointments(
        actor,
        point,
        enabled=True,
        minutes=30,
        desks=2,
        notice_hours=2,
        window_days=30,
        hours=[
            appointments.HoursRange(0, T(9), T(12, 30)),
            appointments.HoursRange(2, T(15), T(18)),
            appointments.HoursRange(3, T(9), T(12, 30)),
        ],
    )
    citizen = User.objects.filter(email="cittadino@demo.benecomune.it").first()
    slots = appointments.available_slots(point)
    if citizen is not None and citizen.person_id and slots:
        appointments.book(
            manager, point, citizen.person, slots[0].start, "Informazioni sui contributi"
        )
    today = timezone.localdate()
    wednesday = today + datetime.timedelta(days=7 + (2 - today.weekday()) % 7)
    appointments.add_closure(
        manager,
        point,
        first_day=wednesday,
        starts_at=T(15),
        reason="Formazione del personale",
    )
