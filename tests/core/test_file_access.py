"""Files are never public (issue 12, point 3): every kind of stored or generated file, made
through the real services, is served only by core's checked file view, to whom may see it.

Each kind is requested as an anonymous visitor, as the same role in another tenant, as
another citizen and as its owner; nothing under MEDIA_ROOT has a URL, with DEBUG on or off."""

# The payouts fixtures are imported below and used as parameters: that is pytest, not a clash.
# ruff: noqa: F811

import datetime
import importlib.util
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from benecomune.calls.services import applications as application_services
from benecomune.calls.services import definition
from benecomune.core.files import CITIZEN, STAFF, file_url, safe_filename, stored_name
from benecomune.core.models import Job, Membership, Role
from benecomune.core.scoping import all_tenants
from benecomune.payouts.services import debit_notes
from benecomune.payouts.services.batches import approve_batch
from benecomune.vouchers.services import cards
from tests.calls.applications_factory import upload
from tests.helpers import login, submit_summer_camp_claim
from tests.payouts.bank import ready_batch
from tests.payouts.conftest import (  # noqa: F401 (fixtures)
    REIMBURSEMENT_RULES,
    admin,
    beneficiary,
    fund,
    ledger_stays_sound,
    make_reimbursement_call,
    make_wallet,
    operator,
    pay,
    payer,
    receipt,
    shop_iban,
    shopkeeper,
    validator,
)

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"^[a-z0-9/-]+/[0-9a-f]{32}\.[a-z0-9]+$")


def client_for(user, membership=None) -> Client:
    return login(Client(), user, membership)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Each kind of file, created through the real services --------------------------------------


@pytest.fixture
def audit_export(admin, django_capture_on_commit_callbacks):
    """The audit export (codici fiscali), started from the page by the Comune's admin."""
    owner = client_for(admin.user, admin.membership)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(reverse("core:audit_export"), {"object": ""})
    assert response.status_code == 302
    job = Job.objects_unscoped.get(kind="audit.export")
    assert job.status == "done", job.message
    return job.pk, job.result_file


@pytest.fixture
def application_document(municipality, admin, fund, beneficiary):
    """An identity document uploaded with an application by the citizen."""
    now = timezone.now()
    with all_tenants():
        call = definition.create_call(
            admin,
            organization=municipality,
            code="affitto-2026",
            title="Contributo per l'affitto 2026",
            benefit_type="reimbursement",
            fund=fund,
            budget=300_000,
            rules=REIMBURSEMENT_RULES,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=30),
            spend_from=now.date(),
            spend_until=now.date() + datetime.timedelta(days=120),
        )
        call = definition.publish_call(admin, call)
        application = application_services.start_application(
            beneficiary, call, beneficiary.user.person
        )
        document = application_services.add_document(
            beneficiary, application, "other", upload("carta-identità.pdf")
        )
    return document.pk, document.file


@pytest.fixture
def claim_receipt(make_reimbursement_call, beneficiary):
    """A receipt uploaded by the citizen with an expense claim."""
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    claim = submit_summer_camp_claim(beneficiary, award)
    return claim.pk, claim.document


@pytest.fixture
def debit_note(shop, shopkeeper, admin, make_wallet, pay, payer, shop_iban):
    """A merchant's debit note (PDF), issued by the shop and approved by the Comune."""
    pay(make_wallet(), shop, 3_333)
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    note = debit_notes.approve_debit_note(admin, debit_notes.issue_debit_note(shopkeeper, note))
    return note.pk, note.pdf


@pytest.fixture
def approved_batch(debit_note, admin, validator, payer):
    return approve_batch(validator, ready_batch(admin, payer))


@pytest.fixture
def sepa_file(approved_batch):
    return approved_batch.pk, approved_batch.sepa_file


@pytest.fixture
def legacy_sepa_file(approved_batch):
    return approved_batch.pk, approved_batch.sepa_file_legacy


@pytest.fixture
def card(make_wallet, beneficiary):
    """A voucher card's PDF (generated on request: its QR code spends the voucher)."""
    wallet = make_wallet(person=beneficiary.user.person)
    with all_tenants():
        cards.issue_card(beneficiary, wallet, pin="2468")
    return wallet.pk, None


# --- Who asks ------------------------------------------------------------------------------


@pytest.fixture
def people(
    admin,
    operator,
    shopkeeper,
    beneficiary,
    make_user,
    make_person,
    municipality,
    other_municipality,
):
    """The owners, and the same roles in another tenant, by name."""
    from benecomune.core.models import Provider

    limena = other_municipality
    other_shop = Provider.objects.create(
        name="Panificio Altrove",
        slug="panificio-altrove",
        provider_kind="shop",
        category="bakery",
        vat_number="04999990281",
        network=municipality.network,
        municipality=limena,
    )

    def staff(email, role, organization):
        user = make_user(email, role=role, organization=organization)
        return user, Membership.objects.get(user=user)

    other_person = make_person(municipality, first_name="Anna", last_name="Verdi", sex="F")
    return {
        "admin": (admin.user, admin.membership),
        "operator": (operator.user, operator.membership),
        "shopkeeper": (shopkeeper.user, shopkeeper.membership),
        "citizen": (beneficiary.user, None),
        "other tenant admin": staff("admin@limena.example.org", Role.MUNICIPALITY_ADMIN, limena),
        "other tenant operator": staff("sportello@limena.example.org", Role.DESK_OPERATOR, limena),
        "other tenant shopkeeper": staff(
            "cassa@altrove.example.org", Role.MERCHANT_STAFF, other_shop
        ),
        "another citizen": (make_user("anna@example.org", person=other_person), None),
    }


CASES = [
    # (file fixture, kind, audience, owner, expected disposition, expected filename fragment)
    ("audit_export", "job-result", STAFF, "admin", "attachment", "esportazione-del-registro"),
    ("application_document", "application-document", CITIZEN, "citizen", "attachment", "carta"),
    ("application_document", "application-document", STAFF, "operator", "attachment", "carta"),
    ("claim_receipt", "claim-receipt", CITIZEN, "citizen", "attachment", "ricevuta.pdf"),
    ("claim_receipt", "claim-receipt", STAFF, "operator", "attachment", "ricevuta.pdf"),
    ("sepa_file", "payout-file", STAFF, "admin", "attachment", "pain.001.001.09.xml"),
    ("legacy_sepa_file", "payout-file-legacy", STAFF, "admin", "attachment", "pain.001.001.03"),
    ("debit_note", "debit-note", STAFF, "admin", "attachment", "nota-di-debito-"),
    ("debit_note", "debit-note", STAFF, "shopkeeper", "attachment", "nota-di-debito-"),
    ("card", "card", CITIZEN, "citizen", "inline", "tessera-"),
    ("card", "card", STAFF, "operator", "inline", "tessera-"),
]


@pytest.mark.parametrize(
    ("fixture", "kind", "audience", "owner", "disposition", "filename"),
    CASES,
    ids=[f"{c[1]}-{c[2]}-{c[3]}" for c in CASES],
)
def test_every_file_is_served_only_to_whom_may_see_it(
    request, people, fixture, kind, audience, owner, disposition, filename
):
    pk, field = request.getfixturevalue(fixture)
    url = file_url(kind, pk, audience)
    stored = field.read() if field is not None else b"%PDF"
    if field is not None:
        # Random stored names: nothing about the person, the object or its number.
        assert RANDOM_NAME.match(field.name), field.name

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("core:login") in anonymous["Location"]

    # The same role in another tenant, another citizen, through either door.
    staff_door, citizen_door = file_url(kind, pk, STAFF), file_url(kind, pk, CITIZEN)
    if audience == STAFF:
        strangers = [(f"other tenant {owner}", staff_door), ("another citizen", citizen_door)]
    else:
        strangers = [
            ("another citizen", citizen_door),
            ("other tenant operator", staff_door),
            ("other tenant admin", staff_door),
        ]
    for name, stranger_url in strangers:
        user, membership = people[name]
        refused = client_for(user, membership).get(stranger_url)
        assert refused.status_code == 404, name
        assert stored not in refused.content
    owner_user, owner_membership = people[owner]
    other_door = citizen_door if audience == STAFF else staff_door
    assert client_for(owner_user, owner_membership).get(other_door).status_code == 404

    response = client_for(owner_user, owner_membership).get(url)
    assert response.status_code == 200
    content = body(response)
    assert content == stored if field is not None else content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(f"{disposition}; filename")
    assert filename in response["Content-Disposition"]


def test_a_wrong_kind_or_id_is_a_404(people, audit_export):
    pk, _field = audit_export
    user, membership = people["admin"]
    owner = client_for(user, membership)
    assert owner.get(file_url("job-result", pk)).status_code == 200
    assert owner.get(file_url("job-result", pk + 1000)).status_code == 404
    assert owner.get(file_url("debit-note", pk)).status_code == 404
    assert owner.get(reverse("core:file", kwargs={"kind": "nothing", "pk": pk})).status_code == 404


def test_a_job_result_goes_only_to_who_started_it(
    people, audit_export, make_user, municipality, django_capture_on_commit_callbacks
):
    """Another admin of the same Comune sees the job but not its file (nor a link to it)."""
    pk, _field = audit_export
    colleague = make_user(
        "admin2@piazzola.example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality
    )
    client = client_for(colleague, Membership.objects.get(user=colleague))
    assert client.get(file_url("job-result", pk)).status_code == 404
    page = client.get(reverse("core:job", args=[pk])).content.decode()
    assert file_url("job-result", pk) not in page and "lo scarica solo chi" in page
    user, membership = people["admin"]
    owner_page = client_for(user, membership).get(reverse("core:job", args=[pk])).content
    assert file_url("job-result", pk) in owner_page.decode()


def test_the_pages_own_download_links_answer_with_the_private_headers(
    people, claim_receipt, sepa_file, application_document
):
    """The apps' existing download URLs go through the same response."""
    claim_pk, _ = claim_receipt
    batch_pk, _ = sepa_file
    with all_tenants():
        from benecomune.calls.models import ApplicationDocument

        document = ApplicationDocument.objects.get()
    cases = [
        ("citizen", reverse("payouts:citizen_claim_document", args=[claim_pk])),
        ("operator", reverse("payouts:claim_document", args=[claim_pk])),
        ("admin", reverse("payouts:batch_file", args=[batch_pk, "sepa"])),
        (
            "citizen",
            reverse("calls:my_application_document", args=[document.application_id, document.pk]),
        ),
    ]
    for owner, url in cases:
        user, membership = people[owner]
        response = client_for(user, membership).get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store, private", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Content-Disposition"].startswith("attachment;"), url


@pytest.mark.parametrize("debug", [True, False])
def test_nothing_under_media_root_has_a_url(people, claim_receipt, debug):
    """The URLconf is built again with DEBUG on and off: no pattern serves MEDIA_ROOT, and the
    stored file's path is a 404 even for its owner."""
    _pk, field = claim_receipt
    spec = importlib.util.find_spec("benecomune.urls")
    with override_settings(DEBUG=debug):
        urlconf = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(urlconf)
    assert not any("media" in str(p.pattern) for p in urlconf.urlpatterns)
    user, _membership = people["citizen"]
    with override_settings(DEBUG=debug, ROOT_URLCONF=urlconf):
        for client in (Client(), client_for(user)):
            assert client.get(f"/media/{field.name}").status_code == 404


def test_stored_and_download_names_are_clean():
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored_name("Mario Rossi RSSMRA80A01G224K.PDF"))
    assert re.fullmatch(r"[0-9a-f]{32}", stored_name("archivio.tar/../../x"))
    assert safe_filename('../../etc/pass"wd\r\n.pdf') == "pass_wd.pdf"
    assert safe_filename("") == "file"


@override_settings(PRIVATE_FILES_ACCEL="nginx", PRIVATE_FILES_ACCEL_PREFIX="/private-files/")
def test_the_reverse_proxy_can_send_the_bytes(people, claim_receipt):
    pk, field = claim_receipt
    user, _membership = people["citizen"]
    response = client_for(user).get(file_url("claim-receipt", pk, CITIZEN))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/private-files/{field.name}"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Disposition"].startswith("attachment;")
    other, _ = people["another citizen"]
    assert client_for(other).get(file_url("claim-receipt", pk, CITIZEN)).status_code == 404


@override_settings(PRIVATE_FILES_ACCEL="apache")
def test_apache_gets_the_file_path(people, claim_receipt):
    pk, field = claim_receipt
    user, _membership = people["citizen"]
    response = client_for(user).get(file_url("claim-receipt", pk, CITIZEN))
    assert response["X-Sendfile"] == field.path
