"""Referrals: consent required (refusal audited), the lifecycle pending -> accepted/declined
-> completed answered by the receiving side only, overdue detection with a frozen clock, and
the Point that receives a referral sees the case read-only."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from benecomune.core.models import AuditEvent, Notification, Role
from benecomune.desk import access
from benecomune.desk.models import ConsentMethod, ConsentPurpose, Referral, ReferralStatus
from benecomune.desk.services import cases, referrals
from benecomune.desk.services.referrals import ReferralRequest
from tests.helpers import actor_for


@pytest.fixture
def provider_staff(make_user, shop):
    user = make_user("coop@example.org", role=Role.PROVIDER_STAFF, organization=shop)
    return actor_for(user, Role.PROVIDER_STAFF, shop)


@pytest.fixture
def sharing(manager, case):
    return cases.add_consent(
        manager[0], case, purpose=ConsentPurpose.SHARING, method=ConsentMethod.SIGNED
    )


def to_provider(shop, **over):
    data = {
        "target": "provider",
        "to_organization": shop,
        "reason": "Laboratorio di socializzazione",
        "shared_data": "Nome, telefono",
        "follow_up_on": timezone.localdate() + datetime.timedelta(days=3),
    }
    data.update(over)
    return ReferralRequest(**data)


def test_a_referral_without_consent_is_refused_and_audited(manager, case, shop):
    with pytest.raises(ValidationError, match="consenso"):
        referrals.send(manager[0], case, to_provider(shop))
    assert not Referral.objects_unscoped.exists()
    assert AuditEvent.objects_unscoped.filter(action="desk.referral_refused").count() == 1


def test_lifecycle_to_a_provider(
    manager, case, shop, sharing, provider_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = referrals.send(manager[0], case, to_provider(shop))
    assert referral.status == ReferralStatus.PENDING and referral.consent == sharing
    assert Notification.objects.filter(person=case.person).exists()  # the citizen is told
    referrals.accept(provider_staff, referral, note="La chiamiamo noi")
    with pytest.raises(ValidationError):  # completing needs an outcome
        referrals.complete(provider_staff, referral, outcome="")
    referrals.complete(provider_staff, referral, outcome="Iscritta al laboratorio")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.outcome == "Iscritta al laboratorio"
    actions = set(
        AuditEvent.objects_unscoped.filter(object_id=str(referral.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions >= {"desk.referral_sent", "desk.referral_accepted", "desk.referral_completed"}
    assert case.person.last_name not in "".join(m.body for m in mail.outbox)


def test_only_the_receiver_answers(manager, case, shop, sharing, make_user, network):
    from benecomune.core.models import Provider

    other = Provider.objects.create(
        name="Altra coop",
        slug="altra",
        provider_kind="social_cooperative",
        vat_number="04123450290",
        network=network,
    )
    user = make_user("altra@example.org", role=Role.PROVIDER_STAFF, organization=other)
    referral = referrals.send(manager[0], case, to_provider(shop))
    with pytest.raises(PermissionDenied):
        referrals.accept(actor_for(user, Role.PROVIDER_STAFF, other), referral)
    with pytest.raises(PermissionDenied):  # nor the sender
        referrals.accept(manager[0], referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING


def test_decline_needs_a_reason(manager, case, shop, sharing, provider_staff):
    referral = referrals.send(manager[0], case, to_provider(shop))
    with pytest.raises(ValidationError):
        referrals.decline(provider_staff, referral, note="")
    referrals.decline(provider_staff, referral, note="Posti esauriti")
    with pytest.raises(ValidationError):  # declined is final
        referrals.accept(provider_staff, referral)


def test_overdue_with_a_frozen_clock(clock, manager, case, shop, sharing, provider_staff):
    thursday = datetime.date(2026, 3, 5)
    referral = referrals.send(manager[0], case, to_provider(shop, follow_up_on=thursday))
    rows = referrals.sent_by_my_points(manager[0])
    assert not referrals.overdue(rows).exists() and not referral.is_overdue
    clock(3)  # Thursday: due today, not yet overdue
    assert not referrals.overdue(rows).exists()
    clock(4)  # Friday
    assert list(referrals.overdue(rows)) == [referral]
    assert referral.is_overdue
    referrals.accept(provider_staff, referral)
    assert referrals.overdue(rows).exists()  # accepted, still open
    referrals.complete(provider_staff, referral, outcome="Fatto")
    assert not referrals.overdue(rows).exists()


def test_a_past_follow_up_date_is_refused(clock, manager, case, shop, sharing):
    with pytest.raises(ValidationError):
        referrals.send(manager[0], case, to_provider(shop, follow_up_on=datetime.date(2026, 3, 1)))


def test_the_receiving_point_sees_the_case_read_only(
    manager, case, sharing, other_point, other_manager
):
    request = ReferralRequest(
        target="point",
        to_point=other_point,
        reason="Vive ora a Limena",
        shared_data="Nome, recapito",
        follow_up_on=timezone.localdate(),
    )
    assert not access.visible_cases(other_manager[0]).filter(pk=case.pk).exists()
    referral = referrals.send(manager[0], case, request)
    assert referral.to_organization_id == other_point.organization_id
    assert access.visible_cases(other_manager[0]).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):  # read-only: changes stay with the case's Point
        cases.add_note(other_manager[0], case, text="nota")
    referrals.decline(other_manager[0], referral, note="Non di nostra competenza")
    assert not access.visible_cases(other_manager[0]).filter(pk=case.pk).exists()


def test_a_comune_office_answers(manager, case, sharing, other_municipality, make_user):
    user = make_user(
        "ufficio@limena.example.org", role=Role.DESK_OPERATOR, organization=other_municipality
    )
    office = actor_for(user, Role.DESK_OPERATOR, other_municipality)
    referral = referrals.send(
        manager[0],
        case,
        to_provider(other_municipality, target="office"),
    )
    assert list(access.received_referrals(office)) == [referral]
    referrals.accept(office, referral)
    with pytest.raises(ValidationError):  # a company is not a Comune office
        referrals.send(manager[0], case, to_provider(other_municipality, target="provider"))


def test_pages_send_answer_and_worklist(
    manager, case, shop, sharing, provider_staff, operator_client, client, clock
):
    from benecomune.core.models import Membership
    from tests.helpers import login

    page = operator_client(manager)
    url = f"/gestione/sportello-welfare/casi/{case.pk}/segnala/nuova/"
    assert page.get(url).status_code == 200
    response = page.post(url, {"target": "provider", "reason": "", "shared_data": "x"})
    assert response.status_code == 200 and not Referral.objects_unscoped.exists()
    response = page.post(
        url,
        {
            "target": "provider",
            "provider": shop.pk,
            "reason": "Laboratorio",
            "shared_data": "Nome e telefono",
            "follow_up_on": "2026-03-04",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects_unscoped.get()
    assert shop.name in page.get(f"/gestione/sportello-welfare/casi/{case.pk}/").content.decode()
    clock(5)
    page = operator_client(manager)  # a new login after the clock moved on
    worklist = page.get("/gestione/sportello-welfare/").content.decode()
    assert "in ritardo" in worklist and case.protocol in worklist

    membership = Membership.objects.get(user=provider_staff.user, organization=shop)
    staff = login(client, provider_staff.user, membership)
    board = staff.get("/gestione/fornitore/").content.decode()
    assert "Segnalazioni ricevute" in board
    listing = staff.get("/gestione/segnalazioni-ricevute/").content.decode()
    assert "Nome e telefono" in listing and case.person.full_name in listing
    staff.post(f"/gestione/segnalazioni-ricevute/{referral.pk}/accetta/", {"note": ""})
    staff.post(f"/gestione/segnalazioni-ricevute/{referral.pk}/concludi/", {"outcome": "Fatto"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED


def test_a_shops_cashier_is_not_shown_the_referrals_it_cannot_open(
    manager, case, shop, sharing, provider_staff, make_user, client
):
    """The referrals to a provider are answered by its staff: the cashier of the same shop
    sees the dashboard without them (it linked a page answering 403)."""
    from benecomune.core.models import Membership
    from tests.helpers import login

    referrals.send(manager[0], case, to_provider(shop))
    cashier = make_user("cassa.coop@example.org", role=Role.MERCHANT_STAFF, organization=shop)
    page = login(client, cashier, Membership.objects.get(user=cashier, role=Role.MERCHANT_STAFF))
    board = page.get("/gestione/fornitore/")
    assert board.status_code == 200
    assert "/gestione/segnalazioni-ricevute/" not in board.content.decode()
    assert page.get("/gestione/segnalazioni-ricevute/").status_code == 403
    page.logout()
    staff = login(
        client,
        provider_staff.user,
        Membership.objects.get(user=provider_staff.user, role=Role.PROVIDER_STAFF),
    )
    assert "/gestione/segnalazioni-ricevute/" in staff.get("/gestione/fornitore/").content.decode()
