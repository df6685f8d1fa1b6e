"""The page where the Comune changes a social project's beneficiary body and IBAN: the owner
changes them (audited with masked IBANs, the body told); a bad IBAN gets an Italian message and
changes nothing; another Comune gets 404, a visitor the login page, a merchant 403. While a
disbursement is being paid the change is refused; after the bank rejected it, the new IBAN
makes the payment payable again. Money, batch and bank outcome through the real services."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from benecomune.core.models import AuditEvent, Membership, Role
from benecomune.core.models.notifications import OutboxMessage
from benecomune.observatory.models import SocialProject
from benecomune.observatory.services import shared_value_routing as routing
from benecomune.observatory.services.shared_value_beneficiary import ACTION, set_beneficiary
from benecomune.payouts.models import PayoutStatus
from benecomune.payouts.services import batches
from benecomune.payouts.services.results import import_results
from tests.helpers import login as login_as
from tests.observatory import shared_value_helpers as h
from tests.payouts.bank import pain002, ready_batch, refs
from tests.payouts.conftest import (
    admin,
    fund,
    make_shop,
    make_wallet,
    new_iban,
    pay,
    payer,
    validator,
)

# The payouts fixtures this module uses (a Comune admin and a validator, a funded wallet that
# pays a shop, the payer's bank settings), made visible here.
__all__ = ["admin", "fund", "make_shop", "make_wallet", "pay", "payer", "validator"]

pytestmark = pytest.mark.django_db
BAD_IBAN = "IT60X0542811101000000123457"  # one digit off: the check digits fail


def login(client, user):
    return login_as(client, user, Membership.objects.get(user=user))


@pytest.fixture
def project(admin, municipality, network):
    return h.project(admin, municipality, h.body(network, municipality))


def url(project):
    return reverse("observatory:sv_project_beneficiary", args=[project.pk])


def _state(project):
    project.refresh_from_db()
    return project.beneficiary_id, project.beneficiary_iban


def test_the_owner_changes_body_and_iban_with_an_audit_event(client, admin, project, make_shop):
    login(client, admin.user)
    manage = client.get(reverse("observatory:sv_manage")).content.decode()
    assert url(project) in manage  # linked from the projects' page
    page = client.get(url(project))
    assert page.status_code == 200 and h.IBAN in page.content.decode()
    body = make_shop("Associazione Il Ponte")  # a body with an e-mail address
    iban = new_iban()
    response = client.post(
        url(project),
        {"beneficiary": body.pk, "beneficiary_iban": iban.lower(), "reason": "Nuovo conto"},
    )
    assert response.status_code == 302
    assert _state(project) == (body.pk, iban)
    event = AuditEvent.objects_unscoped.get(action=ACTION)
    assert event.actor == admin.user and event.reason == "Nuovo conto"
    assert event.before["iban"] == "IT60…3456" and event.after["iban"].endswith(iban[-4:])
    assert iban not in str(event.after) and h.IBAN not in str(event.before)
    assert event.after["beneficiary"] == body.pk
    assert OutboxMessage.objects_unscoped.filter(to=body.email, subject__contains="conto").exists()


def test_a_bad_iban_gets_a_message_and_changes_nothing(client, admin, project):
    login(client, admin.user)
    before = _state(project)
    response = client.post(
        url(project),
        {"beneficiary": project.beneficiary_id, "beneficiary_iban": BAD_IBAN, "reason": "X"},
    )
    assert response.status_code == 200
    assert "non è valido" in response.content.decode()
    assert _state(project) == before
    assert not AuditEvent.objects_unscoped.filter(action=ACTION).exists()


def test_another_comune_gets_404(client, make_user, other_municipality, project):
    other = make_user(
        "sv-altro@example.org", role=Role.MUNICIPALITY_ADMIN, organization=other_municipality
    )
    login(client, other)
    before = _state(project)
    assert client.get(url(project)).status_code == 404
    post = client.post(url(project), {"beneficiary_iban": new_iban(), "reason": "x"})
    assert post.status_code == 404 and _state(project) == before


def test_a_visitor_goes_to_the_login_page(client, project):
    response = client.get(url(project))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_a_merchant_is_refused(client, make_user, make_shop, project):
    shop = make_shop()
    user = make_user("sv-negozio@example.org", role=Role.MERCHANT_STAFF, organization=shop)
    login(client, user)
    assert client.get(url(project)).status_code == 403


def test_refused_while_a_disbursement_is_paid_and_fixes_a_rejected_one(
    admin, validator, payer, make_user, make_shop, make_wallet, pay, network, municipality,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    shop = make_shop()
    project = h.project(admin, municipality, h.body(network, municipality))
    h.agreement(admin, h.merchant_actor(make_user, shop), municipality, shop, project)
    pay(make_wallet(), shop, 10_000)  # 10 %: 10 euro to the project
    order = routing.disburse(admin, project)
    body, iban = h.body(network, municipality), new_iban()

    def change():
        return set_beneficiary(
            admin, project, beneficiary=body, beneficiary_iban=iban, reason="Conto chiuso"
        )

    before = _state(project)
    with pytest.raises(ValidationError, match="in pagamento"):
        change()  # ready: waiting for the next batch
    batch = batches.approve_batch(validator, ready_batch(admin, payer))
    with pytest.raises(ValidationError, match="in pagamento"):
        change()  # in a batch
    assert _state(project) == before
    (ref,) = refs(batch)
    with django_capture_on_commit_callbacks(execute=True):
        import_results(
            admin, batch, data=pain002(batch.message_id, [(ref, "RJCT", "AC04", None)]),
            filename="esiti.xml",
        )  # fmt: skip
    order.refresh_from_db()
    assert order.status == PayoutStatus.REJECTED
    change()
    order.refresh_from_db()
    assert (order.status, order.iban, order.provider_id) == (PayoutStatus.READY, iban, body.pk)
    assert order.beneficiary_name == body.name and order.rejection_reason == ""
    event = AuditEvent.objects_unscoped.get(action=ACTION)
    assert event.after["orders_ready_again"] == [order.pk]
    assert SocialProject.objects_unscoped.get(pk=project.pk).beneficiary_iban == iban
