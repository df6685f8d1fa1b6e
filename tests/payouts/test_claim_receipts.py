"""Receipts of expense claims as stored documents: kept as ClaimReceipt rows (checked facts,
who uploaded), a new one when answering a clarification with the earlier one kept as history,
"receipt or self-declaration" enforced by the service, duplicates by SHA-256 among the
current receipts of live claims, each version served only to whom may see the claim, and the
migration moving the old fields into rows and back."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from benecomune.core.files import CITIZEN, STAFF, file_url
from benecomune.core.models import Role
from benecomune.payouts.models import ClaimReceipt, ClaimStatus, ExpenseClaim
from benecomune.payouts.services import claim_review, claims
from tests.helpers import login
from tests.payouts.conftest import receipt
from tests.payouts.test_claims import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(make_reimbursement_call, beneficiary):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    return award


def declare(actor, award, amount=4_000):
    """A rent claim with a self-declaration (the call must allow it for rent)."""
    return submit(
        actor,
        award,
        amount=amount,
        upload=None,
        category="rent",
        self_declared=True,
        declaration_confirmed=True,
    )


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_receipt_is_a_stored_document_with_its_checked_facts(award, beneficiary):
    upload = receipt(name="Scontrino Girasole.pdf", body=b"fatti")
    claim = submit(beneficiary, award, upload=upload)
    (row,) = ClaimReceipt.objects.filter(claim=claim)
    upload.seek(0)
    assert row.sha256 == hashlib.sha256(upload.read()).hexdigest()
    assert (row.original_name, row.content_type, row.size) == (
        "Scontrino Girasole.pdf",
        "application/pdf",
        upload.size,
    )
    assert row.uploaded_by == beneficiary.user
    # Stored under a random name, never the citizen's.
    assert "Girasole" not in row.file.name and row.file.name.startswith("payouts/claims/")
    # The claim's read-only names show the current receipt.
    assert (claim.document_name, claim.sha256) == ("Scontrino Girasole.pdf", row.sha256)
    assert claim.document.name == row.file.name and not claim.self_declared


def test_neither_receipt_nor_self_declaration_is_refused_and_writes_nothing(award, beneficiary):
    with pytest.raises(ValidationError) as error:
        submit(beneficiary, award, upload=None)
    assert "Alleghi la ricevuta" in str(error.value)
    assert not ExpenseClaim.objects_unscoped.exists() and not ClaimReceipt.objects.exists()


def test_every_claim_has_a_receipt_or_a_self_declaration(award, beneficiary, admin, operator):
    claims.set_policy(admin, award.call, self_declaration_categories=["rent"])
    declared = declare(beneficiary, award)
    submit(beneficiary, award, amount=5_000)
    assert declared.receipt is None and declared.sha256 == "" and declared.document is None
    # The self-declared claim answers a clarification with a receipt: no longer declared.
    claim_review.request_claim_clarification(operator, declared, question="Serve il contratto")
    claim_review.answer_clarification(
        beneficiary, declared, answer="Ecco il contratto", upload=receipt(body=b"contratto")
    )
    declared.refresh_from_db()
    assert not declared.self_declared and declared.receipt is not None
    for claim in ExpenseClaim.objects_unscoped.all():
        assert claim.self_declared != claim.receipts.exists(), claim.pk


def test_a_new_receipt_keeps_the_earlier_one_as_history(award, beneficiary, operator):
    claim = submit(beneficiary, award, upload=receipt(name="prima.pdf", body=b"sbiadita"))
    first = claim.receipt
    claim_review.request_claim_clarification(operator, claim, question="Illeggibile")
    claim_review.answer_clarification(
        beneficiary, claim, answer="Nuova copia", upload=receipt(name="seconda.pdf", body=b"2")
    )
    claim = ExpenseClaim.objects_unscoped.get(pk=claim.pk)
    assert [r.original_name for r in claim.receipts.order_by("pk")] == ["prima.pdf", "seconda.pdf"]
    assert claim.receipt.original_name == "seconda.pdf"
    assert claim.earlier_receipts == [first]
    assert claim.sha256 == claim.receipt.sha256 != first.sha256
    # An answer without a file keeps the current receipt.
    claim_review.request_claim_clarification(operator, claim, question="E la data?")
    claim_review.answer_clarification(beneficiary, claim, answer="Il 3 del mese")
    assert ExpenseClaim.objects_unscoped.get(pk=claim.pk).receipt.original_name == "seconda.pdf"


def test_duplicates_count_the_current_receipts_of_live_claims(
    make_reimbursement_call, beneficiary, operator, validator, make_person, municipality, make_user
):
    from benecomune.core.actors import Actor

    other_person = make_person(municipality, first_name="Luca", last_name="Verdi")
    other = Actor(user=make_user("luca@example.org", person=other_person))
    _call, (award, other_award) = make_reimbursement_call([beneficiary.user.person, other_person])
    claim = submit(beneficiary, award, 5_000, upload=receipt(body=b"sbagliata"))
    claim_review.request_claim_clarification(operator, claim, question="Non è questa spesa")
    # The same file again on the same claim is not a duplicate of itself.
    claim_review.answer_clarification(
        beneficiary, claim, answer="Stessa", upload=receipt(body=b"sbagliata")
    )
    claim_review.request_claim_clarification(operator, claim, question="Non è questa spesa")
    claim_review.answer_clarification(
        beneficiary, claim, answer="Quella giusta", upload=receipt(body=b"giusta")
    )
    before = ClaimReceipt.objects.count()
    with pytest.raises(ValidationError) as error:
        submit(other, other_award, 6_000, upload=receipt(body=b"giusta"))
    assert "già stata presentata" in str(error.value)
    with pytest.raises(ValidationError):  # the same check when answering a clarification
        other_claim = submit(other, other_award, 6_000, upload=receipt(body=b"altra"))
        claim_review.request_claim_clarification(operator, other_claim, question="Timbro?")
        claim_review.answer_clarification(
            other, other_claim, answer="Questa", upload=receipt(body=b"giusta")
        )
    assert ClaimReceipt.objects.count() == before + 1  # only the "altra" one
    # The receipt replaced as the wrong document may serve the expense it belongs to...
    reused = submit(other, other_award, 7_000, upload=receipt(body=b"sbagliata"))
    assert reused.receipt.sha256 == ClaimReceipt.objects.filter(claim=claim).first().sha256
    # ...and a rejected claim's receipt is free again.
    claim_review.reject_claim(validator, claim, reason="Spesa non ammessa")
    assert submit(other, other_award, 8_000, upload=receipt(body=b"giusta")).receipt


def test_each_receipt_version_is_served_only_to_whom_may_see_the_claim(
    award,
    beneficiary,
    operator,
    make_actor,
    make_user,
    make_person,
    municipality,
    other_municipality,
):
    claim = submit(beneficiary, award, upload=receipt(name="prima.pdf", body=b"uno"))
    claim_review.request_claim_clarification(operator, claim, question="Illeggibile")
    claim_review.answer_clarification(
        beneficiary, claim, answer="Ecco", upload=receipt(name="seconda.pdf", body=b"due")
    )
    first, second = ClaimReceipt.objects.filter(claim=claim).order_by("pk")
    citizen = login(Client(), beneficiary.user)
    desk = login(Client(), operator.user, operator.membership)
    # The claim's links serve the current receipt.
    current = desk.get(reverse("payouts:claim_document", args=[claim.pk]))
    assert content(current).endswith(b"due\n%%EOF\n")
    mine = citizen.get(reverse("payouts:citizen_claim_document", args=[claim.pk]))
    assert content(mine).endswith(b"due\n%%EOF\n")
    # The earlier one, by its own id, to the claim's Comune and to the claimant.
    for who, audience in ((desk, STAFF), (citizen, CITIZEN)):
        response = who.get(file_url("claim-receipt-version", first.pk, audience))
        assert response.status_code == 200
        assert content(response).endswith(b"uno\n%%EOF\n")
        assert "prima.pdf" in response["Content-Disposition"]
    # The review page lists it.
    page = desk.get(reverse("payouts:claim_review", args=[claim.pk])).content.decode()
    assert "seconda.pdf" in page and file_url("claim-receipt-version", first.pk) in page
    # Nobody else: another citizen, another Comune's desk, anonymous.
    stranger = make_user("anna@example.org", person=make_person(municipality, first_name="Anna"))
    elsewhere = make_actor("sportello@limena.example.org", Role.DESK_OPERATOR, other_municipality)
    others = [
        (login(Client(), stranger), CITIZEN),
        (login(Client(), elsewhere.user, elsewhere.membership), STAFF),
    ]
    for who, audience in others:
        for version in (first, second):
            url = file_url("claim-receipt-version", version.pk, audience)
            assert who.get(url).status_code == 404
    anonymous = Client().get(file_url("claim-receipt-version", first.pk, CITIZEN))
    assert anonymous.status_code in (302, 404) and not content(anonymous).startswith(b"%PDF")


# --- the migration ------------------------------------------------------------------------------

BEFORE = ("payouts", "0002_claim_clarifications")
AFTER = ("payouts", "0003_claim_receipts")


def _migrate(target):
    MigrationExecutor(connection).migrate([target])
    return MigrationExecutor(connection).loader.project_state(target).apps


def _migrate_to_newest():
    # Every app's newest migration: going back to BEFORE also unapplies later migrations of
    # other apps that depend on payouts (corporate's).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_receipt_fields_into_rows_and_back(
    award, beneficiary, operator, admin
):
    _migrate_to_newest()  # whatever an earlier migration test left behind
    claims.set_policy(admin, award.call, self_declaration_categories=["rent"])
    replaced = submit(beneficiary, award, 5_000, upload=receipt(name="a.pdf", body=b"a"))
    claim_review.request_claim_clarification(operator, replaced, question="Illeggibile")
    claim_review.answer_clarification(
        beneficiary, replaced, answer="Ecco", upload=receipt(name="b.pdf", body=b"b")
    )
    declared = declare(beneficiary, award)
    newest = ExpenseClaim.objects_unscoped.get(pk=replaced.pk).receipt
    try:
        # Backwards: the newest receipt goes back into the claim's fields.
        old = _migrate(BEFORE)
        OldClaim = old.get_model("payouts", "ExpenseClaim")
        row = OldClaim.objects.get(pk=replaced.pk)
        assert (row.document.name, row.document_name, row.document_type) == (
            newest.file.name,
            "b.pdf",
            "application/pdf",
        )
        assert (row.document_size, row.sha256) == (newest.size, newest.sha256)
        assert OldClaim.objects.get(pk=declared.pk).sha256 == ""
        # Forwards: one row per claim with a receipt, dated when the claim came in.
        new = _migrate(AFTER)
        Row = new.get_model("payouts", "ClaimReceipt")
        (moved,) = Row.objects.all()
        assert (moved.claim_id, moved.file.name, moved.original_name, moved.sha256) == (
            replaced.pk,
            newest.file.name,
            "b.pdf",
            newest.sha256,
        )
        assert moved.uploaded_at == replaced.submitted_at
        assert moved.uploaded_by_id == beneficiary.user.pk
    finally:
        # Back to the newest state, so that later tests find every table.
        _migrate_to_newest()
    claim = ExpenseClaim.objects_unscoped.get(pk=replaced.pk)
    assert claim.status == ClaimStatus.SUBMITTED and claim.document_name == "b.pdf"
