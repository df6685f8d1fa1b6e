"""Documents, submission (protocol, evaluation, refusals), clarification answers, receipt."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Call,
    ClarificationRequest,
    ClarificationStatus,
)
from benecomune.calls.receipts import receipt_pdf
from benecomune.calls.services import applications as services
from benecomune.calls.services.definition import close_call
from benecomune.calls.services.submission import protocol_candidates
from benecomune.core.models import AuditEvent, Notification
from benecomune.core.scoping import all_tenants
from tests.calls.applications_factory import (
    JPEG_BYTES,
    PNG_BYTES,
    citizen,
    fill,
    pdf_text,
    ready_draft,
    upload,
)
from tests.calls.review_factory import make_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(family, make_user):
    return citizen(make_user, family["head"])[1]


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "applications"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- documents -------------------------------------------------------------------------------


def test_pdf_jpeg_and_png_are_stored_with_their_digest(make_call, family, head):
    application = services.start_application(head, make_call(), family["head"])
    pdf = services.add_document(head, application, "id_card", upload())
    jpeg = services.add_document(
        head, application, "other", upload("foto.jpg", JPEG_BYTES, "image/jpeg")
    )
    png = services.add_document(head, application, "other", upload("scan", PNG_BYTES, "text/plain"))
    assert pdf.content_type == "application/pdf"
    assert pdf.sha256 == hashlib.sha256(pdf.file.open("rb").read()).hexdigest()
    assert jpeg.content_type == "image/jpeg" and png.content_type == "image/png"
    assert png.file.name.endswith(".png")  # the type comes from the content, not the name
    assert pdf.original_name == "carta-identita.pdf"
    assert family["head"].fiscal_code not in pdf.file.name


@pytest.mark.parametrize(
    ("name", "body", "content_type", "expected"),
    [
        ("finto.pdf", b"MZ\x90\x00 not really a pdf", "application/pdf", "solo PDF, JPEG, PNG"),
        ("vuoto.pdf", b"", "application/pdf", "vuoto"),
        ("doc.gif", b"GIF89a" + b"\x00" * 20, "image/gif", "solo PDF, JPEG, PNG"),
    ],
)
def test_uploads_refused_by_content(make_call, family, head, name, body, content_type, expected):
    application = services.start_application(head, make_call(), family["head"])
    before = stored_files()
    with pytest.raises(ValidationError) as info:
        services.add_document(head, application, "id_card", upload(name, body, content_type))
    assert expected in info.value.message_dict["file"][0]
    assert not ApplicationDocument.objects.exists()
    assert stored_files() == before


def test_too_big_is_refused(make_call, family, head, settings):
    settings.CALLS_MAX_UPLOAD_BYTES = 1024
    application = services.start_application(head, make_call(), family["head"])
    with pytest.raises(ValidationError) as info:
        services.add_document(head, application, "id_card", upload(body=b"%PDF-1.4" + b"0" * 2048))
    assert "troppo grande" in info.value.message_dict["file"][0]
    assert not ApplicationDocument.objects.exists()


def test_same_file_twice_and_unknown_codes_are_refused(make_call, family, head):
    application = services.start_application(head, make_call(), family["head"])
    services.add_document(head, application, "id_card", upload())
    with pytest.raises(ValidationError) as info:
        services.add_document(head, application, "other", upload("copia.pdf"))
    assert "già stato caricato" in info.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as info:
        services.add_document(head, application, "passport", upload(body=PNG_BYTES))
    assert "code" in info.value.message_dict
    assert ApplicationDocument.objects.count() == 1


def test_removing_a_document_deletes_its_file(
    make_call, family, head, django_capture_on_commit_callbacks
):
    application = services.start_application(head, make_call(), family["head"])
    document = services.add_document(head, application, "id_card", upload())
    path = Path(document.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(head, application, document)
    assert not ApplicationDocument.objects.exists()
    assert not path.exists()


# --- submission ------------------------------------------------------------------------------


def test_submission_numbers_evaluates_checks_and_notifies(
    make_call, family, head, django_capture_on_commit_callbacks
):
    call = make_call(code="buoni-spesa")
    application = ready_draft(head, call, family["head"], family["isee"])
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(head, application)
    application.refresh_from_db()
    year = timezone.localtime().year
    assert application.protocol == f"BUONI-SPESA-{year}-000001"
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at is not None
    assert application.eligible is True
    # per member: 50 + 3 * 50 + 25 for the child
    assert application.amount == 5_000 + 3 * 5_000 + 2_500
    assert application.checks["residence"]["ok"] and application.checks["isee"]["ok"]
    assert not application.checks_mismatch
    assert Call.objects_unscoped.get(pk=call.pk).protocol_counter == 1
    note = Notification.objects.get(person=family["head"], subject__contains=application.protocol)
    assert "presentata" in note.body and note.link.endswith(f"/domande/{application.pk}/")
    assert len(mail.outbox) == 1 and application.protocol in mail.outbox[0].subject
    event = AuditEvent.objects_unscoped.get(action="calls.application_submitted")
    assert event.after["protocol"] == application.protocol


def test_protocols_are_sequential_per_call(
    make_call, make_person, municipality, admin_actor, make_user
):
    call = make_call()
    protocols = []
    for name in ("Rossi", "Verdi", "Gialli"):
        fam = make_family(make_person, municipality, admin_actor, last_name=name)
        _u, actor = citizen(make_user, fam["head"])
        application = ready_draft(
            actor, call, fam["head"], fam["isee"], body=f"%PDF-{name}".encode()
        )
        protocols.append(services.submit_application(actor, application).protocol)
    assert [p[-6:] for p in protocols] == ["000001", "000002", "000003"]


def test_another_calls_protocol_with_the_same_code_is_never_reused(make_call, family, head):
    call = make_call(code="bonus")
    plain, distinct = protocol_candidates(call, 1, timezone.localtime().year)
    # Another organisation's call with the same code already used the readable form.
    other = make_call(code="bonus-altro")
    Application.objects_unscoped.create(
        organization=family["head"].residence,
        call=other,
        applicant=family["spouse"],
        protocol=plain,
    )
    application = ready_draft(head, call, family["head"], family["isee"])
    services.submit_application(head, application)
    application.refresh_from_db()
    assert application.protocol == distinct and f"-B{call.pk}-" in distinct


def test_ineligible_applications_are_accepted_with_the_unmet_requirements(make_call, family, head):
    call = make_call()
    application = ready_draft(head, call, family["head"], family["isee"])
    services.save_draft(head, application, isee_value=2_000_000)  # above the 12,000 € ceiling
    services.submit_application(head, application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.protocol
    assert application.eligible is False and application.amount == 0
    assert [n["code"] for n in application.eligibility_notes] == ["isee_over"]
    assert application.checks_mismatch  # INPS says 8,500 €


def _refused(head, application, call, expected):
    counter = Call.objects_unscoped.get(pk=call.pk).protocol_counter
    with pytest.raises(ValidationError) as info:
        services.submit_application(head, application)
    assert any(expected in m for m in info.value.messages), info.value.messages
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.protocol is None
    assert Call.objects_unscoped.get(pk=call.pk).protocol_counter == counter
    assert not AuditEvent.objects_unscoped.filter(action="calls.application_submitted").exists()


def test_submission_refused_without_every_declaration(make_call, family, head):
    call = make_call()
    application = ready_draft(head, call, family["head"], family["isee"])
    services.save_draft(head, application, declarations={"truthful": True, "no_other_aid": False})
    _refused(head, application, call, "Manca la dichiarazione: «Non ricevo altri buoni")


def test_submission_refused_without_the_required_document(make_call, family, head):
    call = make_call()
    application = ready_draft(head, call, family["head"], family["isee"], document=False)
    _refused(head, application, call, "Manca il documento: Documento d'identità")


def test_submission_refused_without_isee_when_the_call_needs_it(make_call, family, head):
    call = make_call()
    application = services.start_application(head, call, family["head"])
    fill(head, application)
    services.add_document(head, application, "id_card", upload())
    _refused(head, application, call, "Indichi il valore ISEE.")


def test_submission_refused_when_the_call_is_closed(make_call, family, head, admin_actor):
    call = make_call()
    application = ready_draft(head, call, family["head"], family["isee"])
    with all_tenants():
        close_call(admin_actor, call, reason="Budget esaurito")
    with pytest.raises(CallError) as info:
        services.submit_application(head, application)
    assert "chiuso" in info.value.messages[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.protocol is None


def test_submission_refused_before_the_call_opens(make_call, family, head):
    now = timezone.now()
    call = make_call(opens_at=now - datetime.timedelta(hours=1))
    application = ready_draft(head, call, family["head"], family["isee"])
    Call.objects_unscoped.filter(pk=call.pk).update(opens_at=now + datetime.timedelta(days=1))
    with pytest.raises(CallError) as info:
        services.submit_application(head, application)
    assert "non è ancora aperto" in info.value.messages[0]
    assert Call.objects_unscoped.get(pk=call.pk).protocol_counter == 0


def test_an_application_is_submitted_once(make_call, family, head):
    call = make_call()
    application = ready_draft(head, call, family["head"], family["isee"])
    services.submit_application(head, application)
    with pytest.raises(CallError):
        services.submit_application(head, application)
    assert Call.objects_unscoped.get(pk=call.pk).protocol_counter == 1


# --- clarification ------------------------------------------------------------------------


def _ask(application, operator_actor, due_in=5):
    request = ClarificationRequest.objects.create(
        application=application,
        message="Alleghi l'attestazione ISEE aggiornata.",
        due_date=timezone.localdate() + datetime.timedelta(days=due_in),
        requested_by=operator_actor.user,
    )
    Application.objects_unscoped.filter(pk=application.pk).update(
        status=ApplicationStatus.CLARIFICATION
    )
    return request


def test_clarification_answer_resubmits_and_reevaluates(make_call, family, head, operator_actor):
    call = make_call()
    application = ready_draft(head, call, family["head"], family["isee"])
    services.save_draft(head, application, isee_value=2_000_000)
    services.submit_application(head, application)
    protocol = Application.objects_unscoped.get(pk=application.pk).protocol
    request = _ask(application, operator_actor)
    # Meanwhile the applicant corrects the ISEE and the old document stays.
    services.save_draft(head, application, isee_value=850_000)
    old = ApplicationDocument.objects.get()
    with pytest.raises(CallError):
        services.remove_document(head, application, old)
    services.answer_clarification(
        head,
        application,
        "Ho corretto il valore ISEE e allego l'attestazione.",
        [("other", upload("isee.pdf", b"%PDF-1.7 isee"))],
    )
    application.refresh_from_db()
    request.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.protocol == protocol  # same application, same number
    assert application.eligible is True and application.amount > 0
    assert request.status == ClarificationStatus.ANSWERED and request.answered_at
    assert request.answer.startswith("Ho corretto")
    assert application.documents.count() == 2
    event = AuditEvent.objects_unscoped.get(action="calls.clarification_answered")
    assert event.after["request"] == request.pk and event.after["documents"] == ["isee.pdf"]


def test_clarification_refusals_change_nothing(make_call, family, head, operator_actor):
    call = make_call()
    application = ready_draft(head, call, family["head"], family["isee"])
    with pytest.raises(CallError):
        services.answer_clarification(head, application, "nessuna richiesta")
    services.submit_application(head, application)
    request = _ask(application, operator_actor)
    with pytest.raises(ValidationError) as info:
        services.answer_clarification(head, application, "   ")
    assert "answer" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.answer_clarification(
            head, application, "ecco", [("other", upload("x.pdf", b"not a pdf"))]
        )
    ClarificationRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(CallError) as info:
        services.answer_clarification(head, application, "in ritardo")
    assert "scaduto" in info.value.messages[0]
    application.refresh_from_db()
    request.refresh_from_db()
    assert application.status == ApplicationStatus.CLARIFICATION
    assert request.status == ClarificationStatus.OPEN and request.answer == ""
    assert application.documents.count() == 1


# --- receipt ---------------------------------------------------------------------------------


def test_receipt_pdf_has_the_protocol_and_the_assisting_operator(make_call, family, operator_actor):
    call = make_call()
    application = services.start_application(
        operator_actor, call, family["head"], assisted_consent="di persona"
    )
    fill(operator_actor, application, isee=family["isee"])
    services.add_document(operator_actor, application, "id_card", upload())
    services.submit_application(operator_actor, application)
    application = Application.objects_unscoped.get(pk=application.pk)
    data = receipt_pdf(application)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert application.protocol in text
    assert family["head"].fiscal_code in text
    assert "sportello.calls@example.org" in text or operator_actor.user.full_name in text
    assert "con il consenso di Giulia Bianchi" in text


def test_protocol_fits_and_cuts_long_codes_between_words(make_call):
    call = make_call(code="contributo-straordinario-affitto-e-utenze-2026")
    plain, distinct = protocol_candidates(call, 12, 2026)
    assert plain == "CONTRIBUTO-STRAORDINARIO-2026-000012"
    assert len(distinct) <= 40
    assert distinct.endswith(f"-B{call.pk}-2026-000012")
