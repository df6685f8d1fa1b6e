"""Submitting an application (protocol number, evaluation, checks, receipt) and resubmitting it
with the answer to a clarification request (soccorso istruttorio).

Ineligible applications are accepted: applying is a right. The rules engine's verdict is stored
with the application and shown on the receipt and the page ("requirements that seem unmet"); the
desk and the validator decide.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.exceptions import CallError
from benecomune.calls.lifecycles import APPLICATION
from benecomune.calls.models import (
    Application,
    ApplicationStatus,
    Call,
    ClarificationRequest,
)
from benecomune.calls.services.application_access import (
    application_link,
    authorize,
    locked_application,
    on_behalf_reason,
)
from benecomune.calls.services.drafts import (
    check_document,
    open_clarification,
    record_document,
    store_document,
)
from benecomune.calls.services.evaluation import reassess
from benecomune.calls.services.paper import paper_documents, takes_applications
from benecomune.core import clarifications as clarification_helpers
from benecomune.core.actors import Actor
from benecomune.core.notifications import notify_person
from benecomune.ledger.money import format_euro

PROTOCOL_LENGTH = 40  # Application.protocol


def needs_isee(parsed: engine.CallRules) -> bool:
    return bool(
        parsed.eligibility.isee_max is not None
        or parsed.amount.kind == "isee_bands"
        or parsed.scoring.isee_bands
    )


def submission_problems(application: Application) -> list[str]:
    """What is still missing before the application can be sent (Italian, one line each)."""
    parsed = engine.parse_rules(application.call.rules)
    problems = []
    isee_given = [
        application.isee_value is not None,
        bool(application.isee_protocol),
        application.isee_date is not None,
    ]
    if needs_isee(parsed) or any(isee_given):
        if application.isee_value is None:
            problems.append(_("Indichi il valore ISEE."))
        if not application.isee_protocol:
            problems.append(_("Indichi il protocollo DSU dell'attestazione ISEE."))
        if application.isee_date is None:
            problems.append(_("Indichi la data di rilascio dell'ISEE."))
    ticked = application.declarations or {}
    for declaration in parsed.declarations:
        if not ticked.get(declaration.code):
            problems.append(_("Manca la dichiarazione: «%(text)s»") % {"text": declaration.text})
    present = set(application.documents.values_list("code", flat=True))
    present |= paper_documents(application)  # handed in at the counter, on paper
    for document in parsed.documents:
        if document.required and document.code not in present:
            problems.append(_("Manca il documento: %(label)s") % {"label": document.label})
    if not application.members.filter(active=True).exists():
        problems.append(_("La domanda non ha componenti del nucleo."))
    return problems


def _root_pk(call: Call) -> int:
    root = call
    while root.previous_version_id:
        root = root.previous_version
    return root.pk


def _shorten(code: str, limit: int) -> str:
    """The call's code within `limit` characters, cut between words rather than inside one."""
    if len(code) <= limit:
        return code
    cut = code[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut[1:] else cut


def _without_year(code: str, year: int) -> str:
    """Calls are often coded with their year ("BUONI-RETE-2026"): the protocol adds the year
    itself, so the code's own copy of that year is dropped, not printed twice."""
    kept = [part for part in code.split("-") if part != str(year)]
    return "-".join(kept) or code


def protocol_candidates(call: Call, number: int, year: int) -> tuple[str, str]:
    """The readable protocol ("BUONI-SPESA-2026-000042") and, should another organisation's
    call share the code, a form made unique by the call's first version ("...-B17-...")."""
    tail = f"-{year}-{number:06d}"
    code = _without_year(call.code.upper(), year)
    plain = _shorten(code, PROTOCOL_LENGTH - len(tail)) + tail
    marker = f"-B{_root_pk(call)}"
    distinct = _shorten(code, PROTOCOL_LENGTH - len(tail) - len(marker)) + marker + tail
    return plain, distinct


def _next_number(call_id: int) -> int:
    """Increment the call's counter: the row stays locked until commit, so numbers are
    sequential without gaps (a refusal rolls the increment back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE calls_call SET protocol_counter = protocol_counter + 1 "
            "WHERE id = %s RETURNING protocol_counter",
            [call_id],
        )
        return cursor.fetchone()[0]


def _save_with_protocol(application: Application, fields: list[str], now) -> None:
    """Number the application and save it. Should the readable protocol be taken by another
    organisation's call with the same code, the distinct form is used instead."""
    number = _next_number(application.call_id)
    plain, distinct = protocol_candidates(application.call, number, now.year)
    taken = Application.objects_unscoped.filter(protocol=plain).exists()
    application.protocol = distinct if taken else plain
    try:
        with transaction.atomic():
            application.save(update_fields=[*fields, "protocol"])
    except IntegrityError:
        if application.protocol == distinct:
            raise
        application.protocol = distinct
        application.save(update_fields=[*fields, "protocol"])


def _outcome_text(application: Application) -> str:
    if application.eligible:
        text = _("Con i dati dichiarati i requisiti risultano soddisfatti; importo: %(a)s.")
        return text % {"a": format_euro(application.amount)}
    notes = "; ".join(n["message"] for n in application.eligibility_notes)
    return _(
        "Con i dati dichiarati alcuni requisiti sembrano non soddisfatti: %(notes)s. "
        "Il Comune esaminerà comunque la domanda."
    ) % {"notes": notes}


@transaction.atomic
def submit_application(actor: Actor, application: Application) -> Application:
    """Send a complete draft: protocol number, evaluation by the call's rules, checks with the
    registry and INPS; the applicant is notified with the protocol."""
    application = locked_application(application)
    authorize(actor, application)
    if application.status != ApplicationStatus.DRAFT:
        raise CallError(_("La domanda è già stata inviata."))
    call = application.call
    now = timezone.now()
    if not takes_applications(call, application, now=now):
        if now < call.opens_at:
            raise CallError(
                _("Il bando non è ancora aperto: le domande si inviano dal %(date)s.")
                % {"date": timezone.localtime(call.opens_at).strftime("%d/%m/%Y %H:%M")}
            )
        raise CallError(_("Il bando è chiuso: non accetta più domande."))
    problems = submission_problems(application)
    if problems:
        raise ValidationError(problems)
    submitted = APPLICATION.check(actor, application, ApplicationStatus.SUBMITTED)
    evaluated = reassess(application)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    # Saved with its protocol number (a retry on a clash), then audited as the table says.
    _save_with_protocol(
        application,
        [*evaluated, "status", "submitted_at", "updated_at"],
        timezone.localtime(now),
    )
    APPLICATION.record(
        actor,
        application,
        submitted,
        ApplicationStatus.DRAFT,
        organization=application.organization,
        person=application.applicant,
        after={
            "protocol": application.protocol,
            "eligible": application.eligible,
            "amount": application.amount,
            "score": application.score,
            "checks_mismatch": application.checks_mismatch,
        },
        reason=on_behalf_reason(actor, application),
    )
    notify_person(
        application.applicant,
        subject=_("Domanda presentata: protocollo %(p)s") % {"p": application.protocol},
        body=_(
            "La sua domanda per il bando «%(call)s» è stata presentata il %(when)s con il numero "
            "di protocollo %(protocol)s. %(outcome)s La ricevuta è nella sua area personale."
        )
        % {
            "call": call.title,
            "when": timezone.localtime(now).strftime("%d/%m/%Y %H:%M"),
            "protocol": application.protocol,
            "outcome": _outcome_text(application),
        },
        link=application_link(application),
    )
    return application


@transaction.atomic
def answer_clarification(
    actor: Actor, application: Application, answer: str, documents=()
) -> Application:
    """Answer the open clarification request and send the application again: it is evaluated
    and checked anew. `documents` is a list of (document code, uploaded file)."""
    application = locked_application(application)
    authorize(actor, application)
    request = open_clarification(application)
    if application.status != ApplicationStatus.CLARIFICATION or request is None:
        raise CallError(_("Non c'è alcuna richiesta di integrazione aperta per questa domanda."))
    # After the application's lock, as the expiry of requests does.
    request = ClarificationRequest.objects.select_for_update().get(pk=request.pk)
    today = timezone.localdate()
    if today > request.due_date:
        raise CallError(
            _("Il termine per rispondere è scaduto il %(date)s: si rivolga allo sportello.")
            % {"date": request.due_date.strftime("%d/%m/%Y")}
        )
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Scriva la risposta alla richiesta del Comune.")]})
    documents = list(documents)
    checked = []
    seen = set()
    for code, uploaded in documents:
        result = check_document(application, code, uploaded)
        if result.sha256 in seen:
            raise ValidationError({"file": [_("Lo stesso file è allegato due volte.")]})
        seen.add(result.sha256)
        checked.append((code, uploaded, result))
    stored = []
    try:
        for code, uploaded, result in checked:
            stored.append(store_document(actor, application, code, uploaded, result))
        problems = submission_problems(application)
        if problems:
            raise ValidationError(problems)
        for document in stored:
            record_document(actor, application, document)
        evaluated = reassess(application)
        clarification_helpers.answer_clarification(
            actor,
            request,
            answer,
            action="calls.clarification_answered",
            subject=clarification_helpers.Subject(
                application,
                APPLICATION,
                ApplicationStatus.SUBMITTED,
                extra_fields=[*evaluated, "updated_at"],
                organization=application.organization,
                person=application.applicant,
            ),
            after={
                "documents": [d.original_name for d in stored],
                "eligible": application.eligible,
                "amount": application.amount,
                "checks_mismatch": application.checks_mismatch,
            },
            reason=on_behalf_reason(actor, application),
        )
    except Exception:
        for document in stored:
            document.file.delete(save=False)
        raise
    notify_person(
        application.applicant,
        subject=_("Integrazione inviata: domanda %(p)s") % {"p": application.protocol},
        body=_(
            "Abbiamo ricevuto la sua risposta alla richiesta di integrazione per la domanda "
            "%(protocol)s. La domanda torna all'esame dello sportello. %(outcome)s"
        )
        % {"protocol": application.protocol, "outcome": _outcome_text(application)},
        link=application_link(application),
    )
    return application
