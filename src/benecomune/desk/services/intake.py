"""Opening a case at a Welfare Point (intake): a person found or registered by codice fiscale,
or a minimal anonymous contact; needs from the taxonomy; urgency and source; the consents
the person gave, one per purpose, on the informativa shown."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_fiscal_code, parse_fiscal_code
from benecomune.core.models import Municipality, Person
from benecomune.core.services import people
from benecomune.desk.access import my_points
from benecomune.desk.informativa import INFORMATIVA_VERSION
from benecomune.desk.models import (
    Case,
    CaseConsent,
    ConsentMethod,
    ConsentPurpose,
    Need,
    Source,
    Urgency,
    WelfarePoint,
)
from benecomune.desk.services.refusals import audited_refusal

LABEL_MAX = 120


@dataclass
class Intake:
    """What the operator collected at the desk."""

    source: str
    needs: list = field(default_factory=list)  # Need rows or ids
    urgency: str = Urgency.NORMAL
    summary: str = ""
    fiscal_code: str = ""
    first_name: str = ""
    last_name: str = ""
    residence: Municipality | None = None
    anonymous_label: str = ""
    anonymous_contact: str = ""
    next_review_on: date | None = None
    consents: list = field(default_factory=list)  # ConsentPurpose values
    consent_method: str = ""
    consent_note: str = ""
    informativa_version: str = INFORMATIVA_VERSION


def _person(actor: Actor, intake: Intake) -> Person | None:
    if not intake.fiscal_code.strip():
        if not intake.anonymous_label.strip():
            raise ValidationError(
                {
                    "fiscal_code": _(
                        "Indichi il codice fiscale della persona, oppure una breve descrizione "
                        "per un contatto anonimo."
                    )
                }
            )
        return None
    try:
        code = parse_fiscal_code(intake.fiscal_code).code
    except ValidationError as exc:
        raise ValidationError({"fiscal_code": exc.messages}) from exc
    person = Person.objects_unscoped.filter(fiscal_code=code).first()
    if person is not None:
        return person
    if not (intake.first_name.strip() and intake.last_name.strip()):
        raise ValidationError(
            {
                "first_name": _(
                    "Il codice fiscale %(code)s non è ancora registrato: indichi nome, cognome "
                    "e Comune di residenza."
                )
                % {"code": normalize_fiscal_code(code)}
            }
        )
    person, _created = people.ensure_person(
        actor,
        fiscal_code=code,
        first_name=intake.first_name,
        last_name=intake.last_name,
        residence=intake.residence,
    )
    return person


def _needs(intake: Intake) -> list[Need]:
    ids = [getattr(n, "pk", n) for n in intake.needs]
    needs = list(Need.objects.filter(pk__in=ids, is_active=True).select_related("area"))
    if not needs or len(needs) != len(set(ids)):
        raise ValidationError({"needs": _("Scelga almeno un bisogno dall'elenco.")})
    return needs


def _check_consents(intake: Intake, person, needs) -> list[str]:
    purposes = list(dict.fromkeys(intake.consents))
    if any(p not in ConsentPurpose.values for p in purposes):
        raise ValidationError({"consents": _("Finalità del consenso non valida.")})
    if purposes and intake.consent_method not in ConsentMethod.values:
        raise ValidationError(
            {"consent_method": _("Indichi come la persona ha accettato: modulo firmato o a voce.")}
        )
    if person is not None and ConsentPurpose.INTAKE not in purposes:
        raise ValidationError(
            {
                "consents": _(
                    "Senza il consenso alla presa in carico non si apre un caso con il nome "
                    "della persona: registri il consenso o apra un contatto anonimo."
                )
            }
        )
    special = [n.area.name for n in needs if n.area.special_category]
    if person is not None and special and ConsentPurpose.SPECIAL not in purposes:
        raise ValidationError(
            {
                "consents": _(
                    "I bisogni scelti (%(areas)s) rivelano dati sulla salute: serve il consenso "
                    "esplicito per i dati particolari (art. 9 GDPR)."
                )
                % {"areas": ", ".join(sorted(set(special)))}
            }
        )
    return purposes


def next_protocol(point: WelfarePoint, year: int) -> str:
    """The Point's next case number, under the Point's row lock until commit."""
    WelfarePoint.objects_unscoped.filter(pk=point.pk).update(case_counter=F("case_counter") + 1)
    number = WelfarePoint.objects_unscoped.values_list("case_counter", flat=True).get(pk=point.pk)
    return f"PW{point.pk}-{year}-{number:05d}"


def record_consent(actor: Actor, case: Case, purpose: str, method: str, note: str, version: str):
    consent = CaseConsent.objects_unscoped.create(
        case=case,
        purpose=purpose,
        method=method,
        note=" ".join(note.split())[:200],
        informativa_version=version,
        recorded_by=actor.user,
    )
    audit.record(
        actor,
        "desk.consent_recorded",
        case,
        organization=case.organization_id,
        person=case.person_id,
        after={"purpose": purpose, "method": method, "informativa": version},
    )
    return consent


@audited_refusal("desk.intake_refused")
def open_case(actor: Actor, point: WelfarePoint, intake: Intake) -> Case:
    """Open a case at `point` for the person of the intake (or an anonymous contact)."""
    actor.require("desk.cases")
    if not my_points(actor).filter(pk=point.pk).exists():
        raise PermissionDenied(_("Non lavora in questo Punto Welfare: non può aprirvi casi."))
    if intake.source not in Source.values:
        raise ValidationError({"source": _("Indichi da dove arriva la richiesta.")})
    if intake.urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Urgenza non valida.")})
    if intake.next_review_on and intake.next_review_on < timezone.localdate():
        raise ValidationError({"next_review_on": _("La prossima verifica non può essere passata.")})
    label = " ".join(intake.anonymous_label.split())
    if len(label) > LABEL_MAX:
        raise ValidationError(
            {"anonymous_label": _("Al massimo %(n)s caratteri.") % {"n": LABEL_MAX}}
        )
    needs = _needs(intake)
    person = _person(actor, intake)
    purposes = _check_consents(intake, person, needs)
    case = Case.objects_unscoped.create(
        point=point,
        organization_id=point.organization_id,
        protocol=next_protocol(point, timezone.localdate().year),
        person=person,
        household=people.household_of(person) if person else None,
        anonymous_label="" if person else label,
        anonymous_contact="" if person else " ".join(intake.anonymous_contact.split())[:120],
        urgency=intake.urgency,
        source=intake.source,
        summary=intake.summary.strip(),
        assigned_to=actor.user,
        opened_by=actor.user,
        next_review_on=intake.next_review_on,
    )
    case.needs.set(needs)
    audit.record(
        actor,
        "desk.case_opened",
        case,
        organization=point.organization_id,
        person=person,
        after={
            "point": point.pk,
            "needs": sorted(n.code for n in needs),
            "urgency": case.urgency,
            "source": case.source,
            "anonymous": person is None,
        },
    )
    for purpose in purposes:
        record_consent(
            actor,
            case,
            purpose,
            intake.consent_method,
            intake.consent_note,
            intake.informativa_version,
        )
    return case
