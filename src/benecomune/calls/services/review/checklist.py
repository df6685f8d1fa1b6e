"""The instruction checklist of an application: one item per criterion of its call (eligibility
criteria, declarations, documents) plus the residence (ANPR) and ISEE (INPS) checks, each with
what the platform already knows about it, as a hint for the desk operator."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benecomune.calls import rules as engine
from benecomune.calls.exceptions import CallError
from benecomune.calls.models import Application, ApplicationStatus
from benecomune.calls.services.evaluation import reassess
from benecomune.calls.services.paper import paper_document_text, paper_documents
from benecomune.calls.services.review.common import (
    NOTE_MAX,
    TEXT_MAX,
    lock,
    record_review_event,
    require_call_in_review,
    require_instructor,
    require_status,
)
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.ledger.money import format_euro

OUTCOMES = {
    "ok": gettext_lazy("Conforme"),
    "ko": gettext_lazy("Non conforme"),
    "na": gettext_lazy("Non applicabile"),
}
PROPOSALS = {"admit": gettext_lazy("Ammissione"), "reject": gettext_lazy("Esclusione")}

# Rule failure codes (calls.rules.check_eligibility) behind each eligibility item.
_FAILURES = {
    "elig_residence": {"residence"},
    "elig_isee": {"isee_missing", "isee_over"},
    "elig_members": {"members"},
    "elig_minor": {"minor"},
    "elig_over_75": {"over_75"},
    "elig_disabled": {"disabled"},
    "elig_excluded": {"excluded"},
}


def _eligibility_items(parsed: engine.CallRules) -> list[tuple[str, str]]:
    elig = parsed.eligibility
    items = [("elig_residence", _("Residenza in un Comune del bando"))]
    if elig.isee_max is not None:
        items.append(
            (
                "elig_isee",
                _("ISEE valido nell'anno e non oltre %(max)s")
                % {"max": format_euro(elig.isee_max)},
            )
        )
    elif parsed.amount.kind == "isee_bands":
        items.append(("elig_isee", _("ISEE valido nell'anno")))
    if elig.min_members:
        members = ngettext(
            "Nucleo di almeno %(n)s componente",
            "Nucleo di almeno %(n)s componenti",
            elig.min_members,
        )
        items.append(("elig_members", members % {"n": elig.min_members}))
    if elig.requires_minor:
        items.append(("elig_minor", _("Almeno un minore nel nucleo")))
    if elig.requires_over_75:
        items.append(("elig_over_75", _("Almeno una persona con più di 75 anni")))
    if elig.requires_disabled:
        items.append(("elig_disabled", _("Almeno una persona con disabilità certificata")))
    if elig.excluded_calls:
        items.append(("elig_excluded", _("Nessun beneficio incompatibile già ricevuto")))
    return items


def _check_hint(checks: dict, name: str):
    result = checks.get(name)
    if not isinstance(result, dict):
        return None, _("Verifica non ancora eseguita.")
    return ("ok" if result.get("ok") else "ko"), result.get("message", "")


def checklist_items(application, documents=None) -> list[dict]:
    """[{key, label, group, hint, hint_text}] in display order. `hint` is "ok", "ko" or None:
    what the rules, the declarations, the uploads and the adapters say, not a decision."""
    parsed = engine.parse_rules(application.call.rules)
    evaluated = application.eligible is not None
    failed = {note.get("code") for note in application.eligibility_notes or []}
    rows = []
    for key, label in _eligibility_items(parsed):
        if not evaluated:
            hint, text = None, _("Regole non ancora applicate.")
        elif failed & _FAILURES[key]:
            hint = "ko"
            text = next(
                n.get("message", "")
                for n in application.eligibility_notes
                if n.get("code") in _FAILURES[key]
            )
        else:
            hint, text = "ok", _("Soddisfatto secondo i dati dichiarati.")
        rows.append(
            {"key": key, "label": label, "group": _("Requisiti"), "hint": hint, "hint_text": text}
        )
    declared = application.declarations or {}
    for declaration in parsed.declarations:
        ticked = bool(declared.get(declaration.code))
        rows.append(
            {
                "key": f"decl_{declaration.code}",
                "label": declaration.text,
                "group": _("Dichiarazioni"),
                "hint": "ok" if ticked else "ko",
                "hint_text": _("Dichiarata.") if ticked else _("Non dichiarata."),
            }
        )
    if documents is None:
        documents = list(application.documents.all())
    on_paper = paper_documents(application)
    for requirement in parsed.documents:
        names = [d.original_name for d in documents if d.code == requirement.code]
        if names:
            hint, text = "ok", _("Allegato: %(names)s.") % {"names": ", ".join(names)}
        elif requirement.code in on_paper:
            hint, text = "ok", paper_document_text(application)
        elif requirement.required:
            hint, text = "ko", _("Documento obbligatorio non allegato.")
        else:
            hint, text = None, _("Documento facoltativo, non allegato.")
        rows.append(
            {
                "key": f"doc_{requirement.code}",
                "label": requirement.label,
                "group": _("Documenti"),
                "hint": hint,
                "hint_text": text,
            }
        )
    checks = application.checks or {}
    hint, text = _check_hint(checks, "residence")
    rows.append(
        {
            "key": "check_residence",
            "label": _("Residenza e nucleo in anagrafe (ANPR)"),
            "group": _("Verifiche sulle banche dati"),
            "hint": hint,
            "hint_text": text,
        }
    )
    if application.isee_value is not None or any(r["key"] == "elig_isee" for r in rows):
        if application.isee_value is None:
            hint, text = "ko", _("ISEE non dichiarato.")
        else:
            hint, text = _check_hint(checks, "isee")
        rows.append(
            {
                "key": "check_isee",
                "label": _("ISEE confermato da INPS"),
                "group": _("Verifiche sulle banche dati"),
                "hint": hint,
                "hint_text": text,
            }
        )
    return rows


@transaction.atomic
def save_checklist(actor: Actor, application: Application, checklist: dict, note: str = ""):
    """Record the operator's verdict per criterion: {key: {"outcome": ok|ko|na, "note": str}}.
    Items left without an outcome and without a note are simply not recorded yet."""
    application = lock(application)
    require_instructor(actor, application)
    require_call_in_review(application)
    require_status(
        application,
        [ApplicationStatus.SUBMITTED],
        _("La lista di controllo si compila sulle domande presentate; questa è «%(status)s»."),
    )
    known = {item["key"]: item["label"] for item in checklist_items(application)}
    items = {}
    for key, value in (checklist or {}).items():
        if key not in known:
            raise CallError(_("Voce della lista di controllo sconosciuta: %(key)s.") % {"key": key})
        value = value if isinstance(value, dict) else {}
        outcome = str(value.get("outcome") or "").strip()
        item_note = str(value.get("note") or "").strip()
        if not outcome and not item_note:
            continue
        if outcome not in OUTCOMES:
            raise CallError(
                _("«%(label)s»: scelga conforme, non conforme o non applicabile.")
                % {"label": known[key]}
            )
        if len(item_note) > NOTE_MAX:
            raise CallError(
                _("«%(label)s»: la nota supera %(max)s caratteri.")
                % {"label": known[key], "max": NOTE_MAX}
            )
        items[key] = {"outcome": outcome, "note": item_note}
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise CallError(_("Le note istruttorie superano %(max)s caratteri.") % {"max": TEXT_MAX})
    before = {"items": application.checklist.get("items", {}), "note": application.review_note}
    application.checklist = {
        **application.checklist,
        "items": items,
        "updated_by": actor.user.pk if actor.user else None,
        "updated_at": timezone.now().isoformat(),
    }
    application.review_note = note
    application.save(update_fields=["checklist", "review_note", "updated_at"])
    record_review_event(
        actor,
        "calls.checklist_saved",
        application,
        before=before,
        after={"items": items, "note": note},
    )
    return application


@transaction.atomic
def recheck(actor: Actor, application: Application) -> Application:
    """Ask ANPR and INPS again and re-apply the rules; differences are flagged, not decided."""
    application = lock(application)
    organization = application.organization_id
    if not (
        actor.has_perm("applications.instruct", organization)
        or actor.has_perm("applications.decide", organization)
    ):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
    require_status(
        application,
        [
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.CLARIFICATION,
            ApplicationStatus.INSTRUCTED,
        ],
        _("Le verifiche si ripetono solo prima della decisione; la domanda è «%(status)s»."),
    )
    fields = ["eligible", "amount", "score", "checks_mismatch"]
    before = audit.snapshot(application, fields)
    evaluated = reassess(application)
    application.save(update_fields=[*evaluated, "updated_at"])
    record_review_event(
        actor,
        "calls.application_rechecked",
        application,
        before=before,
        after={**audit.snapshot(application, fields), "checks": application.checks},
    )
    return application
