"""The staff page of the e-mail outbox: a Comune's admin sees the Comune's failed e-mails with
their error, sends them again or stops them; other Comuni, citizens and anonymous visitors see
nothing; every action is audited and a bad request changes nothing."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from benecomune.core import notifications
from benecomune.core.models import AuditEvent, Membership, Role
from benecomune.core.models.notifications import OutboxMessage, OutboxStatus
from tests.helpers import login

pytestmark = pytest.mark.django_db

URL = "/gestione/e-mail/"


def _failing_send(*args, **kwargs):
    raise ConnectionRefusedError("SMTP server down")


@pytest.fixture
def queue(monkeypatch, django_capture_on_commit_callbacks):
    """queue(to, organization, person=None, fail=True): an outbox message written through the
    notification API; with `fail` every send is refused until it is given up (failed)."""

    def make(to, organization, *, person=None, fail=True, subject="Domanda ricevuta"):
        with monkeypatch.context() as patch:
            if fail:
                patch.setattr(notifications, "send_mail", _failing_send)
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                message = notifications.send_email(
                    to,
                    subject,
                    "Gentile utente,\nla sua domanda è stata ricevuta.",
                    organization=organization,
                    person=person,
                )
            for _attempt in range(notifications.MAX_ATTEMPTS - 1 if fail else 0):
                notifications.deliver(message.pk)
        message.refresh_from_db()
        return message

    return make


@pytest.fixture
def admin(staff_client, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    return client


@pytest.fixture
def anna(make_person, municipality):
    return make_person(municipality, first_name="Anna", last_name="Bianchi", email="a@example.org")


def _age(message, minutes):
    OutboxMessage.objects_unscoped.filter(pk=message.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_anonymous_visitors_go_to_the_login(client, queue, municipality):
    message = queue("a@example.org", municipality)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")
    response = client.post(f"{URL}{message.pk}/invia-di-nuovo/")
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


def test_citizens_and_desk_staff_may_not_open_it(client, staff_client, make_user, anna, queue):
    message = queue("a@example.org", anna.residence, person=anna)
    citizen = make_user("anna@example.org", person=anna)
    login(client, citizen)
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{message.pk}/annulla/").status_code == 403
    desk, _user, _membership = staff_client(Role.DESK_OPERATOR, anna.residence)
    assert desk.get(URL).status_code == 403
    assert desk.get(f"{URL}{message.pk}/").status_code == 403
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert not AuditEvent.objects_unscoped.filter(action__startswith="outbox.").exists()


def test_another_comune_sees_nothing_and_changes_nothing(
    staff_client, queue, municipality, other_municipality
):
    message = queue("segreto@example.org", municipality)
    other, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, other_municipality)
    assert "segreto@example.org" not in other.get(URL).content.decode()
    assert other.get(f"{URL}{message.pk}/").status_code == 404
    response = other.post(f"{URL}{message.pk}/invia-di-nuovo/", follow=True)
    assert "non esiste o non è tra quelle che può gestire" in response.content.decode()
    other.post(f"{URL}{message.pk}/annulla/")
    other.post(f"{URL}invia-di-nuovo/", {"stato": "failed"})
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, notifications.MAX_ATTEMPTS)
    assert mail.outbox == []
    assert not AuditEvent.objects_unscoped.filter(action__startswith="outbox.").exists()


def test_the_admin_sees_what_did_not_leave_and_filters(admin, queue, municipality, anna):
    failed = queue("bianchi@example.org", municipality, person=anna)
    sent = queue("inviata@example.org", municipality, fail=False)
    young = queue("appena@example.org", municipality, fail=True, subject="Giovane")
    OutboxMessage.objects_unscoped.filter(pk=young.pk).update(
        status=OutboxStatus.PENDING, attempts=1
    )
    stuck = queue("ferma@example.org", municipality, subject="Ferma")
    OutboxMessage.objects_unscoped.filter(pk=stuck.pk).update(status=OutboxStatus.PENDING)
    _age(stuck, 30)
    assert sent.status == OutboxStatus.SENT

    page = admin.get(URL).content.decode()
    # The default list: failed, and pending longer than the worker's own retries.
    assert "bianchi@example.org" in page and "ferma@example.org" in page
    assert "inviata@example.org" not in page and "appena@example.org" not in page
    assert "ConnectionRefusedError: SMTP server down" in page
    assert 'data-testid="resend-failed"' in page

    page = admin.get(URL, {"stato": "sent"}).content.decode()
    assert "inviata@example.org" in page and "bianchi@example.org" not in page
    page = admin.get(URL, {"stato": "all", "destinatario": "FERMA"}).content.decode()
    assert "ferma@example.org" in page and "inviata@example.org" not in page
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page = admin.get(URL, {"stato": "all", "dal": tomorrow}).content.decode()
    assert "Nessuna e-mail corrisponde" in page
    bad = admin.get(URL, {"stato": "all", "dal": tomorrow, "al": "2020-01-01"}).content.decode()
    assert "La data iniziale è successiva a quella finale." in bad

    detail = admin.get(f"{URL}{failed.pk}/").content.decode()
    assert "la sua domanda è stata ricevuta" in detail
    assert f"/gestione/anagrafe/persone/{anna.pk}/" in detail  # the admin may see Anna
    assert 'data-testid="resend"' in detail and 'data-testid="cancel"' in detail
    sent_detail = admin.get(f"{URL}{sent.pk}/").content.decode()
    assert 'data-testid="resend"' not in sent_detail and 'data-testid="cancel"' not in sent_detail


def test_send_again_sends_it_and_is_audited(
    admin, queue, municipality, anna, django_capture_on_commit_callbacks
):
    message = queue("a@example.org", municipality, person=anna)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"{URL}{message.pk}/invia-di-nuovo/")
    assert response.status_code == 302 and response["Location"] == f"{URL}{message.pk}/"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 1, "")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["a@example.org"], "[Bene Comune] Domanda ricevuta")
    ]
    event = AuditEvent.objects_unscoped.get(action="outbox.resent")
    assert (event.organization_id, event.person_id) == (municipality.pk, anna.pk)
    assert event.before == {"status": "failed", "attempts": notifications.MAX_ATTEMPTS}
    assert event.after == {"status": "pending", "attempts": 0}
    assert "E-mail rimessa in invio" in admin.get("/gestione/audit/").content.decode()

    # Sent now: a second click is refused in Italian and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"{URL}{message.pk}/invia-di-nuovo/", follow=True)
    assert "è già stata inviata" in response.content.decode()
    assert len(mail.outbox) == 1
    assert AuditEvent.objects_unscoped.filter(action="outbox.resent").count() == 1


def test_send_again_all_the_failed_ones_the_filter_shows(
    admin, queue, municipality, django_capture_on_commit_callbacks
):
    first = queue("uno@example.org", municipality)
    second = queue("due@example.org", municipality)
    other = queue("altro@example.org", municipality)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"{URL}invia-di-nuovo/", {"stato": "to_check", "destinatario": "@example", "dal": ""}
        )
    assert response.status_code == 302
    assert "destinatario=%40example" in response["Location"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "altro@example.org",
        "due@example.org",
        "uno@example.org",
    ]
    for message in (first, second, other):
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENT
    assert AuditEvent.objects_unscoped.filter(action="outbox.resent").count() == 3

    # Nothing failed is left under the filter: an Italian message, nothing written.
    response = admin.post(f"{URL}invia-di-nuovo/", {"stato": "to_check"}, follow=True)
    assert "Nessuna e-mail non inviata" in response.content.decode()
    assert AuditEvent.objects_unscoped.filter(action="outbox.resent").count() == 3


def test_the_filter_limits_what_is_sent_again(
    admin, queue, municipality, django_capture_on_commit_callbacks
):
    anna_mail = queue("anna@example.org", municipality)
    bruno_mail = queue("bruno@example.org", municipality)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"{URL}invia-di-nuovo/", {"stato": "failed", "destinatario": "anna"})
    anna_mail.refresh_from_db()
    bruno_mail.refresh_from_db()
    assert (anna_mail.status, bruno_mail.status) == (OutboxStatus.SENT, OutboxStatus.FAILED)
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    bad = admin.post(f"{URL}invia-di-nuovo/", {"stato": "nessuno"}, follow=True)
    assert "I filtri non sono validi" in bad.content.decode()


def test_cancel_stops_a_message_for_good(
    admin, queue, municipality, django_capture_on_commit_callbacks
):
    message = queue("sbagliato@example.org", municipality)
    response = admin.post(f"{URL}{message.pk}/annulla/", {"reason": "Indirizzo  sbagliato"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxStatus.CANCELLED
    event = AuditEvent.objects_unscoped.get(action="outbox.cancelled")
    assert (event.reason, event.before["status"], event.after["status"]) == (
        "Indirizzo sbagliato",
        "failed",
        "cancelled",
    )
    _age(message, 60)
    assert message.pk not in notifications.pending_ids()
    assert notifications.deliver(message.pk) is None and mail.outbox == []
    assert "Annullato" in admin.get(URL, {"stato": "cancelled"}).content.decode()

    again = admin.post(f"{URL}{message.pk}/annulla/", follow=True).content.decode()
    assert "è già stato annullato" in again
    assert AuditEvent.objects_unscoped.filter(action="outbox.cancelled").count() == 1

    # A cancelled message may still be sent on purpose.
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"{URL}{message.pk}/invia-di-nuovo/")
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and len(mail.outbox) == 1


def test_bad_posts_change_nothing(admin, queue, municipality):
    sent = queue("inviata@example.org", municipality, fail=False)
    response = admin.post(f"{URL}999999/invia-di-nuovo/", follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "non esiste o non è tra quelle che può gestire" in response.content.decode()
    response = admin.post(f"{URL}999999/annulla/", follow=True)
    assert "non esiste o non è tra quelle che può gestire" in response.content.decode()
    response = admin.post(f"{URL}{sent.pk}/annulla/", follow=True)
    assert "non si può più annullare" in response.content.decode()
    assert admin.get(f"{URL}{sent.pk}/annulla/").status_code == 405
    assert admin.get(f"{URL}{sent.pk}/invia-di-nuovo/").status_code == 405
    sent.refresh_from_db()
    assert (sent.status, sent.attempts) == (OutboxStatus.SENT, 1)
    assert len(mail.outbox) == 1
    assert not AuditEvent.objects_unscoped.filter(action__startswith="outbox.").exists()


def test_the_platform_admin_sees_the_network_and_system_mail(
    staff_client, make_user, queue, network, municipality, other_municipality
):
    comune = queue("comune@example.org", municipality)
    other = queue("limena@example.org", other_municipality)
    system = queue("sistema@example.org", None)
    platform, _user, _membership = staff_client(Role.PLATFORM_ADMIN, network)
    page = platform.get(URL).content.decode()
    for address in ("comune@example.org", "limena@example.org", "sistema@example.org"):
        assert address in page
    assert platform.get(f"{URL}{system.pk}/").status_code == 200
    assert platform.get(f"{URL}{other.pk}/").status_code == 200
    # A Comune's admin: its own only, never the platform's own mail.
    user = make_user("admin@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    admin = login(Client(), user, Membership.objects.get(user=user))
    assert "sistema@example.org" not in admin.get(URL).content.decode()
    assert admin.get(f"{URL}{system.pk}/").status_code == 404
    assert admin.get(f"{URL}{comune.pk}/").status_code == 200


def test_navigation_entry_and_home_card(admin, staff_client, queue, municipality):
    home = admin.get("/").content.decode()
    assert 'href="/gestione/e-mail/"' in home and "Tutte le e-mail sono partite." in home
    queue("uno@example.org", municipality)
    queue("due@example.org", municipality)
    home = admin.get("/").content.decode()
    assert "2 e-mail non sono partite" in home
    desk, _user, _membership = staff_client(Role.DESK_OPERATOR, municipality)
    assert 'href="/gestione/e-mail/"' not in desk.get("/").content.decode()
