"""Demo calls, built through the same services the pages use.

- ISEE attestations (the INPS stand-in) for most households of the network;
- "Buoni spesa Solidarietà alimentare 2026 — secondo avviso" (Piazzola, vouchers): open, with
  applications waiting at each step of the review (the demo citizen has none, to try it);
- "Contributo affitto 2026" (Piazzola, reimbursement): already ranked and awarded; the demo
  citizen holds an award and can claim rent receipts against it;
- "Buoni spesa di rete 2026" (the network, vouchers): a joint call of Limena (share 5.000 euro)
  and Piazzola (10.000 euro), each Comune's residents funded within its share, unused shares
  redistributed; open, with a few applications from both Comuni (the Limena administrator sees
  the call and its own residents' applications).
Idempotent: if the open call exists, nothing is done.
"""

import datetime

from django.db.models import F
from django.utils import timezone

from benecomune.calls.models import Application, Call, IseeRecord, RankingKind, ShareMode
from benecomune.calls.services import award as award_service
from benecomune.calls.services import definition, ranking
from benecomune.calls.services.applications import start_application
from benecomune.calls.services.drafts import save_draft
from benecomune.calls.services.review.checklist import checklist_items, save_checklist
from benecomune.calls.services.review.clarifications import request_application_clarification
from benecomune.calls.services.review.decisions import complete_instruction, decide
from benecomune.calls.services.submission import submit_application
from benecomune.core.actors import Actor
from benecomune.core.models import HouseholdMember, Membership, Municipality, Person, Role, User
from benecomune.ledger.models import Fund
from benecomune.ledger.services.funds import add_contribution, create_fund

FOOD_CODE = "buoni-spesa-2026-bis"
JOINT_CODE = "buoni-spesa-rete-2026"
RENT_CODE = "contributo-affitto-2026"


def food_amount(**extras: int) -> dict:
    """A food call's amount: 50 euro plus 50 per member and `extras` (extra_per_minor,
    extra_per_disabled: cents), at most 400 euro. A new dict each time: callers change theirs."""
    return {"kind": "per_member", "base": 5_000, "per_member": 5_000, **extras, "cap": 40_000}


def food_scoring() -> dict:
    """A food call's scoring: points by ISEE band, plus per minor, over-75 and disabled member.
    A new dict each time: callers change theirs."""
    return {
        "isee_bands": [
            {"isee_max": 300_000, "points": 30},
            {"isee_max": 600_000, "points": 20},
            {"isee_max": 1_200_000, "points": 10},
        ],
        "per_minor": 5,
        "per_over_75": 3,
        "per_disabled": 5,
    }


FOOD_RULES = {
    "eligibility": {"isee_max": 1_200_000},
    "amount": food_amount(extra_per_minor=2_500, extra_per_disabled=2_500),
    "scoring": food_scoring(),
    "tie_breaks": ["isee_asc", "minors_desc", "members_desc"],
    "declarations": [
        {
            "code": "truthful",
            "text": "Dichiaro che i dati sono veri, consapevole delle sanzioni penali per le "
            "dichiarazioni mendaci (artt. 46, 47 e 76 del DPR 445/2000).",
        },
        {
            "code": "no_other_food_aid",
            "text": "Dichiaro che nessun componente del nucleo riceve altri buoni spesa comunali.",
        },
    ],
    "documents": [
        {
            "code": "id_card",
            "label": "Documento d'identità (se la domanda è cartacea)",
            "required": False,
        }
    ],
}

RENT_RULES = {
    "eligibility": {"isee_max": 2_000_000},
    "amount": {
        "kind": "isee_bands",
        "bands": [
            {"isee_max": 600_000, "amount": 80_000},
            {"isee_max": 1_200_000, "amount": 60_000},
            {"isee_max": 2_000_000, "amount": 40_000},
        ],
    },
    "scoring": {
        "isee_bands": [
            {"isee_max": 600_000, "points": 30},
            {"isee_max": 1_200_000, "points": 20},
            {"isee_max": 2_000_000, "points": 10},
        ],
        "per_minor": 4,
        "per_over_75": 4,
        "per_disabled": 4,
    },
    "tie_breaks": ["isee_asc"],
    "declarations": [
        {"code": "truthful", "text": "Dichiaro che i dati sono veri (DPR 445/2000)."},
        {
            "code": "lease",
            "text": "Dichiaro di essere titolare di un contratto di affitto "
            "registrato per l'abitazione di residenza.",
        },
    ],
    "documents": [],
}


def _actor(email: str, role: str) -> Actor:
    membership = Membership.objects.select_related("organization", "user").get(
        user__email=email, role=role
    )
    return Actor.for_membership(membership)


def _seed_isee(network, rng, today):
    heads = Person.objects_unscoped.filter(
        residence__network=network, membership__relationship="head"
    ).order_by("pk")
    records = []
    for number, head in enumerate(heads):
        if number % 5 == 4:
            continue  # some households have no ISEE this year
        codes = list(
            HouseholdMember.objects.filter(household_id=head.membership.household_id).values_list(
                "person__fiscal_code", flat=True
            )
        )
        records.append(
            IseeRecord(
                fiscal_code=head.fiscal_code,
                value=rng.randint(200, 1_600) * 1_000 + rng.randint(0, 99),
                protocol=f"INPS-ISEE-{today.year}-{number + 1:09d}A-00",
                issued_on=datetime.date(today.year, 1, 10) + datetime.timedelta(days=number % 60),
                members=codes,
            )
        )
    IseeRecord.objects.bulk_create(records)


def _apply(actor, call, person, today):
    """The household applies online (the system actor stands in for the citizen's clicks)."""
    application = start_application(actor, call, person)
    isee = (
        IseeRecord.objects.filter(fiscal_code=person.fiscal_code, issued_on__year=today.year)
        .order_by("-issued_on")
        .first()
    )
    save_draft(
        actor,
        application,
        isee_value=isee.value if isee else None,
        isee_protocol=isee.protocol if isee else "",
        isee_date=isee.issued_on if isee else None,
        declarations={d["code"]: True for d in call.rules.get("declarations", [])},
        contact_email=person.email,
    )
    return submit_application(actor, application)


def _instruct(desk, application, proposal="admit"):
    items = {item["key"]: {"outcome": "ok"} for item in checklist_items(application)}
    save_checklist(desk, application, items, note="Verifiche concluse allo sportello.")
    return complete_instruction(desk, application, proposal, note="Requisiti verificati.")


def seed(actor, network, rng):
    piazzola = Municipality.objects.get(slug="piazzola-sul-brenta")
    if Call.objects_unscoped.filter(organization=piazzola, code=FOOD_CODE).exists():
        return
    now = timezone.now()
    today = timezone.localdate()
    if not IseeRecord.objects.exists():
        _seed_isee(network, rng, today)
    admin = _actor("admin@piazzola.demo.benecomune.it", Role.MUNICIPALITY_ADMIN)
    desk = _actor("sportello@piazzola.demo.benecomune.it", Role.DESK_OPERATOR)
    validator = _actor("convalida@piazzola.demo.benecomune.it", Role.VALIDATOR)
    citizen = User.objects.get(email="cittadino@demo.benecomune.it").person
    food_fund = Fund.objects_unscoped.get(organization=piazzola, name="Solidarietà alimentare 2026")
    social_fund = Fund.objects_unscoped.get(
        organization=piazzola, name="Fondo sociale Alta Padovana"
    )
    # The demo citizen's household has a known ISEE, within both calls' ceilings.
    IseeRecord.objects.filter(fiscal_code=citizen.fiscal_code).delete()
    IseeRecord.objects.create(
        fiscal_code=citizen.fiscal_code,
        value=780_000,
        protocol=f"INPS-ISEE-{today.year}-000000777A-00",
        issued_on=datetime.date(today.year, 2, 3),
        members=[citizen.fiscal_code],
    )
    with_isee = set(
        IseeRecord.objects.filter(value__lte=1_100_000).values_list("fiscal_code", flat=True)
    )
    heads = [
        p
        for p in Person.objects_unscoped.filter(residence=piazzola, membership__relationship="head")
        .exclude(pk=citizen.pk)
        .exclude(user__isnull=False)
        .order_by("-pk")
        if p.fiscal_code in with_isee
    ]

    # A call already decided, ranked and awarded: rent contributions (reimbursements).
    rent = definition.create_call(
        admin,
        organization=piazzola,
        code=RENT_CODE,
        title="Contributo per l'affitto 2026",
        summary="Un contributo sulle spese di affitto per le famiglie con ISEE fino a 20.000 euro.",
        description="Rimborso delle rate di affitto pagate nel 2026, fino all'importo "
        "assegnato, presentando le ricevute dalla propria area personale.",
        benefit_type="reimbursement",
        fund=social_fund,
        budget=400_000,
        rules=RENT_RULES,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(hours=1),
        spend_from=datetime.date(today.year, 1, 1),
        spend_until=datetime.date(today.year, 12, 31),
        appeal_days=10,
        legal_reference="Determinazione del Responsabile dei Servizi sociali",
    )
    definition.publish_call(admin, rent)
    applicants = [citizen, *heads[:4]]
    for person in applicants:
        application = _apply(actor, rent, person, today)
        _instruct(desk, application)
        decide(validator, application, True, "Requisiti verificati.")
    definition.close_call(
        admin, rent, reason="Chiusura del periodo di raccolta (dati dimostrativi)"
    )
    ranking.build_ranking(admin, rent, RankingKind.PROVISIONAL)
    ranking.build_ranking(admin, rent, RankingKind.FINAL, reason="Nessun ricorso presentato")
    award_service.award_call(admin, rent)
    # Dates moved into the past, as if the call had run in the spring (demo only).
    Call.objects_unscoped.filter(pk=rent.pk).update(
        opens_at=now - datetime.timedelta(days=200),
        closes_at=now - datetime.timedelta(days=170),
        published_at=now - datetime.timedelta(days=200),
        closed_at=now - datetime.timedelta(days=170),
    )
    Application.objects_unscoped.filter(call=rent).update(
        submitted_at=F("submitted_at") - datetime.timedelta(days=185)
    )

    # The open call: applications at each step of the review.
    food = definition.create_call(
        admin,
        organization=piazzola,
        code=FOOD_CODE,
        title="Buoni spesa Solidarietà alimentare 2026 — secondo avviso",
        summary="Buoni spesa nominativi per le famiglie con ISEE fino a 12.000 euro, da "
        "spendere nei negozi di prossimità del circuito.",
        description="Il buono vale 50 euro più 50 euro per ogni componente del nucleo, più "
        "25 euro per ogni minore o persona con disabilità, fino a 400 euro. Si spende in "
        "alimentari, panifici, macellerie e farmacie del circuito della rete Alta Padovana.",
        benefit_type="voucher",
        fund=food_fund,
        budget=1_200_000,
        rules=FOOD_RULES,
        opens_at=now - datetime.timedelta(days=7),
        closes_at=now + datetime.timedelta(days=30),
        spend_from=today,
        spend_until=today + datetime.timedelta(days=180),
        allowed_categories=["grocery", "bakery", "butcher", "pharmacy"],
        appeal_days=10,
        legal_reference="Delibera di Giunta comunale, D.L. 154/2020 art. 2",
    )
    definition.publish_call(admin, food)
    waiting = heads[4:10]
    for number, person in enumerate(waiting):
        application = _apply(actor, food, person, today)
        if number == 3:
            request_application_clarification(
                desk,
                application,
                "Alleghi la copia del contratto di lavoro del coniuge: nella DSU risulta un "
                "reddito diverso da quello dichiarato.",
                today + datetime.timedelta(days=10),
            )
        elif number >= 4:
            _instruct(desk, application)
    _seed_joint_call(actor, network, heads[10:12], with_isee, now, today)


def _seed_joint_call(actor, network, piazzola_heads, with_isee, now, today):
    """A network's joint call with a share per Comune (see docs/calls.md, joint calls)."""
    owner = _actor("piattaforma@demo.benecomune.it", Role.PLATFORM_ADMIN)
    limena = Municipality.objects.get(slug="limena")
    piazzola = Municipality.objects.get(slug="piazzola-sul-brenta")
    fund = create_fund(
        owner,
        organization=network,
        name="Buoni spesa di rete 2026",
        origin="municipal",
        legal_basis="Convenzione tra i Comuni della rete per i buoni spesa",
        description="Ogni Comune aderente versa la sua quota del bando di rete.",
    )
    shares = [(limena, 500_000), (piazzola, 1_000_000)]
    for municipality, amount in shares:
        add_contribution(
            owner,
            fund,
            contributor=f"Comune di {municipality.name}",
            amount=amount,
            idempotency_key=f"demo-joint-{municipality.slug}",
        )
    joint = definition.create_call(
        owner,
        organization=network,
        shares=shares,
        share_mode=ShareMode.PER_MUNICIPALITY,
        redistribute_unused=True,
        code=JOINT_CODE,
        title="Buoni spesa di rete 2026",
        summary="Buoni spesa dei Comuni di Limena e Piazzola sul Brenta, ciascuno con la sua "
        "quota del budget.",
        benefit_type="voucher",
        fund=fund,
        budget=1_500_000,
        rules=FOOD_RULES,
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=20),
        spend_from=today,
        spend_until=today + datetime.timedelta(days=180),
        allowed_categories=["grocery", "bakery", "butcher", "pharmacy"],
        appeal_days=10,
        legal_reference="Convenzione tra i Comuni della rete Alta Padovana",
    )
    definition.publish_call(owner, joint)
    limena_heads = [
        p
        for p in Person.objects_unscoped.filter(residence=limena, membership__relationship="head")
        .exclude(user__isnull=False)
        .order_by("pk")
        if p.fiscal_code in with_isee
    ]
    for person in [*limena_heads[:3], *piazzola_heads]:
        _apply(actor, joint, person, today)
