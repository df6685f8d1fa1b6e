"""The notification API: an outbox row in the caller's transaction, the e-mail sent after the
commit by a task, failures kept on the row and retried, message templates per key."""

import datetime

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from benecomune.core import notifications
from benecomune.core.models import Notification
from benecomune.core.models.notifications import OutboxMessage, OutboxStatus
from benecomune.core.tasks import RETRY_COUNTDOWNS, deliver_message, resend_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(make_person, municipality):
    return make_person(
        municipality, first_name="Anna", last_name="Bianchi", email="anna@example.org"
    )


def _failing_send(*args, **kwargs):
    raise ConnectionRefusedError("SMTP server down")


def test_notify_person_writes_inbox_and_outbox_and_sends_after_commit(
    anna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notifications.notify_person(anna, subject="Domanda ricevuta", body="Testo", link="/x/")
        row = OutboxMessage.objects_unscoped.get()
        assert row.status == OutboxStatus.PENDING and mail.outbox == []
    row.refresh_from_db()
    assert (row.status, row.attempts, row.to) == (OutboxStatus.SENT, 1, "anna@example.org")
    assert row.sent_at is not None
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("[Bene Comune] Domanda ricevuta", "Testo", ["anna@example.org"])
    ]
    assert Notification.objects.get(person=anna).link == "/x/"


def test_nothing_is_sent_when_the_transaction_rolls_back(anna, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.send_email("anna@example.org", "Oggetto", "Testo")
        raise RuntimeError("the service failed after queuing")
    assert not OutboxMessage.objects_unscoped.exists()
    assert mail.outbox == []


def test_no_address_no_row(anna):
    assert notifications.send_email("", "Oggetto", "Testo") is None
    assert not OutboxMessage.objects_unscoped.exists()


def test_a_failed_send_is_kept_with_its_error_and_given_up_after_the_last_attempt(
    anna, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(notifications, "send_mail", _failing_send)
    with django_capture_on_commit_callbacks(execute=True):
        message = notifications.send_email("anna@example.org", "Oggetto", "Testo")
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "ConnectionRefusedError: SMTP server down"
    for _attempt in range(notifications.MAX_ATTEMPTS - 1):
        notifications.deliver(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, notifications.MAX_ATTEMPTS)
    assert notifications.deliver(message.pk) is None  # given up: not tried again


def test_the_task_retries_with_backoff_when_a_worker_runs_it(anna, monkeypatch):
    message = notifications.send_email("anna@example.org", "Oggetto", "Testo")
    monkeypatch.setattr(notifications, "send_mail", _failing_send)
    asked = []
    monkeypatch.setattr(deliver_message, "retry", lambda **kw: asked.append(kw) or Retry())
    deliver_message.push_request(is_eager=False, retries=1)
    try:
        with pytest.raises(Retry):
            deliver_message.run(message.pk)
    finally:
        deliver_message.pop_request()
    assert asked == [{"countdown": RETRY_COUNTDOWNS[1]}]


def test_pending_messages_are_sent_again_by_the_periodic_task(anna, monkeypatch):
    monkeypatch.setattr(notifications, "send_mail", _failing_send)
    old = notifications.send_email("anna@example.org", "Vecchio", "Testo")
    notifications.deliver(old.pk)  # failed once
    young = notifications.send_email("anna@example.org", "Nuovo", "Testo")
    OutboxMessage.objects_unscoped.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    monkeypatch.undo()
    assert resend_messages() == 1  # the young one is still with its own task
    assert [m.subject for m in mail.outbox] == ["[Bene Comune] Vecchio"]
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.status, old.attempts, old.last_error) == (OutboxStatus.SENT, 2, "")
    assert young.status == OutboxStatus.PENDING


def test_notify_renders_the_template_of_its_key(anna, municipality, settings):
    context = {
        "name": "Dario Sportello",
        "org": "Comune di Curtarolo",
        "role": "Sportellista",
        "until": "9 dicembre 2026",
        "link": "https://esempio.it/invito/abc/",
    }
    message = notifications.notify(
        "dario@example.org", "staff_invitation", context, organization=municipality
    )
    # The same text the invitation had when it was written in the code.
    expected = (
        "Buongiorno {name},\n\n"
        "è stato invitato a operare per {org} su Bene Comune con il ruolo «{role}».\n\n"
        "Apra questo collegamento entro il {until} per scegliere la password "
        "(vale una sola volta):\n{link}\n\n"
        "Al primo accesso attiverà la verifica in due passaggi: tenga a portata di mano il "
        "telefono con un'app di autenticazione (per esempio FreeOTP, Google Authenticator o "
        "Microsoft Authenticator).\n\n"
        "Se non si aspettava questo invito, ignori questo messaggio."
    ).format(**context)
    assert message.subject == "[Bene Comune] Invito a operare per Comune di Curtarolo"
    assert message.body == expected
    assert (message.template_key, message.organization_id) == ("staff_invitation", municipality.pk)


def test_a_template_keeps_the_translations_of_the_text_it_replaced(municipality):
    context = {"name": "N", "org": "Curtarolo", "role": "R", "until": "U", "link": "L"}
    with translation.override("en"):
        subject, body = notifications.render("staff_invitation", context)
    assert subject == "[Bene Comune] Invitation to operate for Curtarolo"
    assert body.startswith("Hello N,\n\nYou have been invited to operate for Curtarolo")
    assert body.endswith("If you were not expecting this invitation, please ignore this message.")


def test_notify_a_person_in_the_inbox_only(anna, municipality):
    context = {"name": "A", "org": "B & C", "role": "R", "until": "U", "link": "L"}
    note = notifications.notify(
        anna, "staff_invitation", context, organization=municipality, channels=["inapp"]
    )
    assert note.subject == "[Bene Comune] Invito a operare per B & C"  # plain text, not escaped
    assert not OutboxMessage.objects_unscoped.exists()


@pytest.mark.parametrize(
    ("has_password", "new_shop", "expected"),
    [
        (
            True,
            False,
            "Ora può operare per Bar Sport su Bene Comune: acceda con le sue credenziali e "
            "scelga il ruolo «Esercente».\n\nL",
        ),
        (
            False,
            True,
            "Abbiamo ricevuto la richiesta di adesione di Bar Sport al circuito dei buoni.\n\n"
            "Scelga la password da questo collegamento (vale qualche ora):\nL\n\n"
            "Al primo accesso attiverà la verifica in due passaggi con un'app di "
            "autenticazione sul telefono.",
        ),
        (
            False,
            False,
            "È stato invitato a operare per Bar Sport su Bene Comune.\n\n"
            "Scelga la password da questo collegamento (vale qualche ora):\nL\n\n"
            "Al primo accesso attiverà la verifica in due passaggi con un'app di "
            "autenticazione sul telefono.",
        ),
    ],
)
def test_merchant_welcome_variants_read_as_before(has_password, new_shop, expected):
    context = {"shop": "Bar Sport", "has_password": has_password, "new_shop": new_shop, "link": "L"}
    assert notifications.render("merchant_staff_welcome", context) == ("Bar Sport", expected)


def test_merchant_welcome_in_english():
    context = {"shop": "Bar Sport", "has_password": False, "new_shop": False, "link": "L"}
    with translation.override("en"):
        _subject, body = notifications.render("merchant_staff_welcome", context)
    assert "Choose your password using this link (valid for a few hours):\nL" in body
