"""The accreditation's lifecycle through the real services: every move audited, the
maker-checker rule, documents already expired refused, the automatic suspension on expiry and
the reminders (the clock is the services' `today`), renewal, expiry, is_accredited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.models import AuditEvent
from benecomune.core.models.notifications import OutboxMessage
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationEvidence,
    AccreditationStatus,
)
from benecomune.marketplace.queries import is_accredited
from benecomune.marketplace.services import accreditation as services
from benecomune.marketplace.services.expiry import expire_evidence
from tests.marketplace.conftest import TODAY, pdf, upload_all, verify_all

S = AccreditationStatus
pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def moves(accreditation):
    """(action, before, after) of the accreditation's status moves, in order."""
    return [
        (e.action, (e.before or {}).get("status"), (e.after or {}).get("status"))
        for e in AuditEvent.objects_unscoped.filter(
            object_type="marketplace.accreditation", object_id=str(accreditation.pk)
        ).order_by("pk")
    ]


def test_lifecycle_from_draft_to_accredited_then_suspended_renewed_revoked(accredited, admins):
    provider, _owner, accreditation = accredited
    maker, checker = admins
    assert accreditation.status == S.ACCREDITED
    assert accreditation.valid_from == TODAY
    assert accreditation.valid_until == datetime.date(2029, 12, 6)
    assert accreditation.decided_by == checker.user and accreditation.reviewer == maker.user
    assert is_accredited(provider, provider.network, on=TODAY)
    assert is_accredited(provider, provider.municipality, area="family", on=TODAY)
    assert not is_accredited(provider, provider.network, area="home", on=TODAY)
    with all_tenants():
        services.suspend(checker, accreditation, reason="Verifica ispettiva in corso")
        assert not is_accredited(provider, provider.network, on=TODAY)
        services.renew(checker, accreditation, today=TODAY)
        assert is_accredited(provider, provider.network, on=TODAY)
        services.revoke(checker, accreditation, reason="Gravi irregolarità")
    accreditation.refresh_from_db()
    assert accreditation.status == S.REVOKED and accreditation.reason == "Gravi irregolarità"
    assert not is_accredited(provider, provider.network, on=TODAY)
    assert moves(accreditation) == [
        ("marketplace.accreditation_created", None, "draft"),
        ("marketplace.accreditation_submitted", "draft", "submitted"),
        ("marketplace.accreditation_review_started", "submitted", "in_review"),
        ("marketplace.accreditation_granted", "in_review", "accredited"),
        ("marketplace.accreditation_suspended", "accredited", "suspended"),
        ("marketplace.accreditation_renewed", "suspended", "accredited"),
        ("marketplace.accreditation_revoked", "accredited", "revoked"),
    ]
    verified = AuditEvent.objects_unscoped.filter(action="marketplace.evidence_verified")
    assert (
        verified.count()
        == AccreditationEvidence.objects_unscoped.filter(accreditation=accreditation).count()
    )
    assert set(verified.values_list("actor", flat=True)) == {maker.user.pk}
    # The provider was told of each decision.
    subjects = list(
        OutboxMessage.objects_unscoped.filter(to=provider.email).values_list("subject", flat=True)
    )
    assert any("Accreditamento attivo" in s for s in subjects)
    # Said of the provider in the active voice: right for a shop and for a woman on her own.
    bodies = OutboxMessage.objects_unscoped.filter(to=provider.email).values_list("body", flat=True)
    assert any(f"ha accreditato {provider.name} per l'area" in b for b in bodies)
    assert any("Revocato" in s for s in subjects)


def test_rejected_with_reason_and_a_new_request_may_follow(make_provider, checklist, admins):
    provider, owner = make_provider()
    maker, checker = admins
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="home")
        upload_all(owner, accreditation)
        services.submit(owner, accreditation, today=TODAY)
        services.take_in_review(maker, accreditation)
        with pytest.raises(ValidationError) as exc:
            services.reject(checker, accreditation, reason="   ")
        assert "motivazione" in str(exc.value)
        services.reject(checker, accreditation, reason="Carta dei servizi incompleta")
        again = services.create_draft(owner, provider, area="home")
    accreditation.refresh_from_db()
    assert accreditation.status == S.REJECTED
    assert moves(accreditation)[-1] == (
        "marketplace.accreditation_rejected",
        "in_review",
        "rejected",
    )
    assert again.status == S.DRAFT


def test_maker_cannot_decide_nor_renew(make_provider, checklist, admins):
    provider, owner = make_provider()
    maker, checker = admins
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        upload_all(owner, accreditation)
        services.submit(owner, accreditation, today=TODAY)
        services.take_in_review(maker, accreditation)
        # The checker verifies one document: now neither may decide.
        first = services.checklist(accreditation)[0][1]
        services.verify_evidence(checker, first, today=TODAY)
        verify_all(maker, accreditation)
        for who in (maker, checker):
            with pytest.raises(ValidationError, match="quattro occhi"):
                services.accredit(who, accreditation, today=TODAY)
            with pytest.raises(ValidationError, match="quattro occhi"):
                services.reject(who, accreditation, reason="no")
    accreditation.refresh_from_db()
    assert accreditation.status == S.IN_REVIEW
    assert moves(accreditation)[-1][0] == "marketplace.accreditation_review_started"


def test_accredit_needs_every_required_document_verified(make_provider, checklist, admins):
    provider, owner = make_provider()
    maker, checker = admins
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        upload_all(owner, accreditation)
        services.submit(owner, accreditation, today=TODAY)
        services.take_in_review(maker, accreditation)
        with pytest.raises(ValidationError, match="non ancora verificati"):
            services.accredit(checker, accreditation, today=TODAY)
    accreditation.refresh_from_db()
    assert accreditation.status == S.IN_REVIEW


def test_provider_staff_cannot_review_and_network_moves_only_by_the_table(
    accredited, make_provider
):
    provider, owner, accreditation = accredited
    with all_tenants():
        with pytest.raises(PermissionDenied):
            services.suspend(owner, accreditation, reason="io")
        _other, other_owner = make_provider()
        with pytest.raises(PermissionDenied):
            services.create_draft(other_owner, provider, area="home")
        with pytest.raises(ValidationError, match="Non si può passare"):
            services.submit(owner, accreditation, today=TODAY)
    accreditation.refresh_from_db()
    assert accreditation.status == S.ACCREDITED


def test_submit_refuses_missing_documents(make_provider, checklist):
    provider, owner = make_provider()
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        with pytest.raises(ValidationError, match="Mancano documenti obbligatori"):
            services.submit(owner, accreditation, today=TODAY)
    accreditation.refresh_from_db()
    assert accreditation.status == S.DRAFT


def test_one_open_request_per_area(make_provider, checklist):
    provider, owner = make_provider()
    with all_tenants():
        services.create_draft(owner, provider, area="family")
        with pytest.raises(ValidationError, match="già una domanda"):
            services.create_draft(owner, provider, area="family")
    assert Accreditation.objects_unscoped.filter(provider=provider).count() == 1


# --- bad documents ---------------------------------------------------------------------------


def _durc(accreditation):
    return next(r for r, _e in services.checklist(accreditation) if r.key == "durc")


def test_expired_document_uploaded_as_valid_is_refused(make_provider, checklist):
    provider, owner = make_provider()
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        durc = _durc(accreditation)
        with pytest.raises(ValidationError) as exc:
            services.upload_evidence(
                owner,
                accreditation,
                durc,
                pdf(),
                issued_on=TODAY - 200 * DAY,
                expires_on=TODAY - DAY,
                today=TODAY,
            )
        assert "è scaduto il 5 dicembre 2026" in exc.value.message_dict["expires_on"][0]
        with pytest.raises(ValidationError) as exc:
            services.upload_evidence(
                owner, accreditation, durc, pdf(), issued_on=TODAY, today=TODAY
            )
        assert "scadenza" in exc.value.message_dict["expires_on"][0]
    assert not AccreditationEvidence.objects_unscoped.exists()


def test_not_a_document_and_oversized_files_are_refused(make_provider, checklist):
    from django.core.files.uploadedfile import SimpleUploadedFile

    provider, owner = make_provider()
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        durc = _durc(accreditation)
        fake = SimpleUploadedFile(
            "durc.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
        )
        with pytest.raises(ValidationError) as exc:
            services.upload_evidence(
                owner,
                accreditation,
                durc,
                fake,
                issued_on=TODAY,
                expires_on=TODAY + DAY,
                today=TODAY,
            )
        assert "si possono caricare solo PDF, JPEG, PNG" in exc.value.message_dict["file"][0]
        big = pdf(body=b"x" * (services.MAX_EVIDENCE_BYTES + 1))
        with pytest.raises(ValidationError) as exc:
            services.upload_evidence(
                owner,
                accreditation,
                durc,
                big,
                issued_on=TODAY,
                expires_on=TODAY + DAY,
                today=TODAY,
            )
        assert "troppo grande" in exc.value.message_dict["file"][0]
    assert not AccreditationEvidence.objects_unscoped.exists()


def test_a_new_upload_replaces_the_current_document(make_provider, checklist):
    provider, owner = make_provider()
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        durc = _durc(accreditation)
        for body in (b"uno", b"due"):
            services.upload_evidence(
                owner,
                accreditation,
                durc,
                pdf(body=body),
                issued_on=TODAY,
                expires_on=TODAY + 90 * DAY,
                today=TODAY,
            )
    rows = AccreditationEvidence.objects_unscoped.filter(accreditation=accreditation)
    assert rows.count() == 2
    assert rows.filter(is_current=True).count() == 1


# --- the periodic sweep (a frozen clock: the sweep's `today`) ---------------------------------


def test_expired_required_document_suspends_automatically_then_renewal(accredited, admins):
    provider, owner, accreditation = accredited
    maker, checker = admins
    durc = AccreditationEvidence.objects_unscoped.get(
        accreditation=accreditation, requirement__key="durc", is_current=True
    )
    expiry = durc.expires_on
    with all_tenants():
        # The last day the document is valid: nothing happens.
        assert expire_evidence(today=expiry)["suspended"] == 0
        assert is_accredited(provider, provider.network, on=expiry)
        done = expire_evidence(today=expiry + DAY)
        assert done["suspended"] == 1
        # Idempotent: a second run the same day does nothing.
        assert expire_evidence(today=expiry + DAY)["suspended"] == 0
    accreditation.refresh_from_db()
    assert accreditation.status == S.SUSPENDED
    assert "DURC" in accreditation.reason
    assert not is_accredited(provider, provider.network, on=expiry + DAY)
    event = AuditEvent.objects_unscoped.get(
        action="marketplace.accreditation_suspended", object_id=str(accreditation.pk)
    )
    assert event.actor is None and event.actor_role == "marketplace.expire_evidence"
    # Renewal: the provider uploads the new documents (every expiring one ran out the same
    # day), a network admin verifies them, another renews.
    later = expiry + 2 * DAY
    with all_tenants():
        expired = [
            requirement
            for requirement, evidence in services.checklist(accreditation)
            if evidence is not None and not evidence.is_valid_on(later)
        ]
        assert durc.requirement in expired
        for requirement in expired:
            services.upload_evidence(
                owner,
                accreditation,
                requirement,
                pdf(body=b"nuovo " + requirement.key.encode()),
                issued_on=later,
                expires_on=later + 120 * DAY,
                today=later,
            )
        with pytest.raises(ValidationError, match="non ancora verificati"):
            services.renew(checker, accreditation, today=later)
        verify_all(maker, accreditation, today=later)
        with pytest.raises(ValidationError, match="quattro occhi"):
            services.renew(maker, accreditation, today=later)
        services.renew(checker, accreditation, today=later)
    accreditation.refresh_from_db()
    assert accreditation.status == S.ACCREDITED
    assert is_accredited(provider, provider.network, on=later)


def test_optional_document_expiry_does_not_suspend(accredited):
    _provider, owner, accreditation = accredited
    with all_tenants():
        cert = next(r for r, _e in services.checklist(accreditation) if r.key == "certificazione")
        services.upload_evidence(
            owner,
            accreditation,
            cert,
            pdf(body=b"iso"),
            issued_on=TODAY,
            expires_on=TODAY + 5 * DAY,
            today=TODAY,
        )
        assert expire_evidence(today=TODAY + 6 * DAY)["suspended"] == 0
    accreditation.refresh_from_db()
    assert accreditation.status == S.ACCREDITED


def test_reminders_at_60_and_15_days_sent_once_each(accredited):
    provider, _owner, accreditation = accredited
    durc = AccreditationEvidence.objects_unscoped.get(
        accreditation=accreditation, requirement__key="durc", is_current=True
    )
    expiry = durc.expires_on
    expiring = AccreditationEvidence.objects_unscoped.filter(
        accreditation=accreditation, is_current=True, expires_on=expiry
    ).count()

    def mails():
        return OutboxMessage.objects_unscoped.filter(
            to=provider.email, template_key="marketplace_evidence_expiring"
        ).count()

    with all_tenants():
        assert expire_evidence(today=expiry - 61 * DAY)["reminders_60"] == 0
        assert expire_evidence(today=expiry - 60 * DAY)["reminders_60"] == expiring
        assert expire_evidence(today=expiry - 59 * DAY)["reminders_60"] == 0
        assert expire_evidence(today=expiry - 16 * DAY) == {
            "reminders_60": 0,
            "reminders_15": 0,
            "suspended": 0,
            "expired": 0,
        }
        assert expire_evidence(today=expiry - 15 * DAY)["reminders_15"] == expiring
        assert expire_evidence(today=expiry - 3 * DAY)["reminders_15"] == 0
    assert mails() == 2 * expiring
    durc.refresh_from_db()
    assert durc.reminder_60_sent_at and durc.reminder_15_sent_at
    assert (
        AuditEvent.objects_unscoped.filter(
            action="marketplace.evidence_reminder", object_id=str(durc.pk)
        ).count()
        == 2
    )


def test_document_first_seen_inside_15_days_gets_one_reminder(accredited):
    _provider, owner, accreditation = accredited
    with all_tenants():
        cert = next(r for r, _e in services.checklist(accreditation) if r.key == "certificazione")
        services.upload_evidence(
            owner,
            accreditation,
            cert,
            pdf(body=b"iso"),
            issued_on=TODAY,
            expires_on=TODAY + 10 * DAY,
            today=TODAY,
        )
        assert expire_evidence(today=TODAY)["reminders_15"] == 1
        assert expire_evidence(today=TODAY + DAY) == {
            "reminders_60": 0,
            "reminders_15": 0,
            "suspended": 0,
            "expired": 0,
        }


def test_accreditation_expires_at_the_end_of_its_term(accredited):
    provider, owner, accreditation = accredited
    end = accreditation.valid_until
    with all_tenants():
        # New documents valid past the end, so only the term matters.
        for requirement, _evidence in services.checklist(accreditation):
            if requirement.required and requirement.needs_expiry:
                services.upload_evidence(
                    owner,
                    accreditation,
                    requirement,
                    pdf(body=requirement.key.encode() + b"2"),
                    issued_on=TODAY,
                    expires_on=end + 100 * DAY,
                    today=TODAY,
                )
        assert expire_evidence(today=end)["expired"] == 0
        assert expire_evidence(today=end + DAY)["expired"] == 1
    accreditation.refresh_from_db()
    assert accreditation.status == S.EXPIRED
    assert moves(accreditation)[-1] == (
        "marketplace.accreditation_expired",
        "accredited",
        "expired",
    )
    assert not is_accredited(provider, provider.network, on=end + DAY)


def test_celery_task_runs_the_sweep(accredited):
    from benecomune.marketplace.tasks import expire_evidence as task

    result = task.delay().get()
    assert set(result) == {"reminders_60", "reminders_15", "suspended", "expired"}
