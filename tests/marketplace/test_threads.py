# ruff: noqa: F811 (the fixtures imported from threads_helpers are used by name)
"""Direct contact between a citizen and a provider: the full exchange, unread counts, e-mails
with the link, closing, escaping of HTML, the subjects' registry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from benecomune.core.models import AuditEvent, Notification
from benecomune.core.models.notifications import OutboxMessage
from benecomune.core.scoping import all_tenants
from benecomune.marketplace import subjects
from benecomune.marketplace.models import Message, Side, Thread, ThreadStatus
from benecomune.marketplace.services import threads as services
from benecomune.marketplace.thread_queries import (
    response_time_text,
    unread_threads_count,
    usual_response_seconds,
)
from tests.helpers import login
from tests.marketplace.threads_helpers import (  # noqa: F401 (fixtures)
    citizen,
    desk,
    other_citizen,
    provider,
    start,
)

pytestmark = pytest.mark.django_db


def unread(thread, side):
    return unread_threads_count(Thread.objects_unscoped.filter(pk=thread.pk), side)


def test_full_exchange_through_the_pages(client, citizen, provider):
    person, user, _actor = citizen
    coop, owner = provider
    page = login(client, user)
    url = reverse("marketplace:my_thread_new", args=[coop.pk])
    assert page.get(url).status_code == 200
    response = page.post(url, {"subject": "Assistenza", "text": "Vorrei un preventivo."})
    assert response.status_code == 302
    thread = Thread.objects_unscoped.get(person=person)
    assert thread.provider_id == coop.pk and thread.status == ThreadStatus.OPEN
    # The provider is told by e-mail, with the link to the thread in its inbox.
    mail = OutboxMessage.objects_unscoped.get(template_key="marketplace_thread_to_provider")
    assert mail.to == services.provider_address(coop) != ""
    assert f"http://testserver/gestione/fornitore/messaggi/{thread.pk}/" in mail.body
    assert "Assistenza" not in mail.subject + mail.body  # nothing of the thread itself
    # The provider's inbox: one thread to read, with the badge in the navigation.
    staff = login(client, owner.user, owner.membership)
    inbox = staff.get(reverse("marketplace:inbox"))
    assert inbox.status_code == 200
    assert "1 da leggere" in inbox.content.decode()
    assert unread(thread, Side.PROVIDER) == 1
    # Reading the thread marks it read; the reply goes to the citizen.
    assert staff.get(reverse("marketplace:inbox_thread", args=[thread.pk])).status_code == 200
    assert unread(thread, Side.PROVIDER) == 0
    response = staff.post(
        reverse("marketplace:inbox_thread", args=[thread.pk]), {"text": "Ecco il preventivo."}
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.first_response_seconds is not None and thread.first_response_at is not None
    assert unread(thread, Side.CITIZEN) == 1
    note = Notification.objects.get(person=person)
    assert note.link == reverse("marketplace:my_thread", args=[thread.pk])
    mail = OutboxMessage.objects_unscoped.get(template_key="marketplace_thread_to_citizen")
    assert mail.to == "anna@example.org"
    assert f"http://testserver/area-personale/conversazioni/{thread.pk}/" in mail.body
    # The citizen's list shows one unread; the thread page reads it.
    page = login(client, user)
    listing = page.get(reverse("marketplace:my_threads")).content.decode()
    assert "1 da leggere" in listing
    assert (
        "Ecco il preventivo."
        in page.get(reverse("marketplace:my_thread", args=[thread.pk])).content.decode()
    )
    assert unread(thread, Side.CITIZEN) == 0
    # The citizen closes it: no more messages until reopened.
    page.post(reverse("marketplace:my_thread_status", args=[thread.pk]), {"azione": "chiudi"})
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.CLOSED and thread.closed_by == user
    with pytest.raises(ValidationError, match="chiusa"):
        services.post_message(owner, thread, text="Ancora?")
    services.reopen_thread(owner, thread)
    thread.refresh_from_db()
    assert thread.is_open
    actions = list(
        AuditEvent.objects_unscoped.filter(
            object_type="marketplace.thread", object_id=str(thread.pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "marketplace.thread_started",
        "marketplace.message_posted",
        "marketplace.thread_closed",
        "marketplace.thread_reopened",
    ]


def test_html_in_a_message_is_shown_as_text(client, citizen, provider):
    person, _user, actor = citizen
    coop, owner = provider
    thread = start(actor, coop, person, text='<script>alert("x")</script><b>ciao</b>')
    page = login(client, owner.user, owner.membership)
    html = page.get(reverse("marketplace:inbox_thread", args=[thread.pk])).content.decode()
    assert "<script>alert" not in html and "<b>ciao</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;ciao&lt;/b&gt;" in html


def test_bad_input_changes_nothing(citizen, provider):
    person, _user, actor = citizen
    coop, _owner = provider
    with pytest.raises(ValidationError) as info:
        start(actor, coop, person, text="   ", subject="")
    assert set(info.value.message_dict) == {"text", "subject"}
    assert not Thread.objects_unscoped.exists() and not Message.objects_unscoped.exists()


def test_only_the_two_parties_write(citizen, other_citizen, provider, make_provider, admins):
    person, _user, actor = citizen
    coop, _owner = provider
    thread = start(actor, coop, person)
    _other, other_owner = make_provider()
    for stranger in (other_citizen[2], other_owner, admins[0]):
        with pytest.raises(PermissionDenied):
            services.post_message(stranger, thread, text="Intruso")
    # Nobody else may start a thread in Anna's name.
    with pytest.raises(PermissionDenied):
        start(other_citizen[2], coop, person)


def test_a_provider_of_another_network_is_refused(citizen, provider):
    from benecomune.core.models import Network

    person, _user, actor = citizen
    coop, _owner = provider
    elsewhere = Network.objects.create(name="Altra rete", slug="altra-rete-t")
    coop.network = elsewhere
    coop.save(update_fields=["network"])
    with pytest.raises(ValidationError, match="rete"):
        start(actor, coop, person)


def test_subjects_registry(client, citizen, provider, monkeypatch):
    person, user, actor = citizen
    coop, _owner = provider
    # No resolver for the type: refused in Italian, on the page and in the service.
    with pytest.raises(ValidationError, match="argomento"):
        start(actor, coop, person, about_type="bookings.booking", about_id=3)
    page = login(client, user)
    url = reverse("marketplace:my_thread_new", args=[coop.pk]) + "?about=bookings.booking:3"
    response = page.get(url)
    assert response.status_code == 400 and "Non è possibile scrivere" in response.content.decode()
    # A resolver: the subject's title; another provider's subject, or one hidden, refused.
    monkeypatch.setitem(
        subjects.SUBJECT_RESOLVERS,
        "marketplace.service",
        lambda pk, who: (
            subjects.ThreadSubject("Pasti a domicilio", "/s/3/", coop.pk)
            if pk == 3
            else (subjects.ThreadSubject("Altro", "", coop.pk + 1000) if pk == 4 else None)
        ),
    )
    thread = start(actor, coop, person, subject="", about_type="marketplace.service", about_id=3)
    assert thread.subject == "Pasti a domicilio" and thread.about_id == 3
    for pk in (4, 5):
        with pytest.raises(ValidationError):
            start(actor, coop, person, about_type="marketplace.service", about_id=pk)
    html = page.get(reverse("marketplace:my_thread", args=[thread.pk])).content.decode()
    assert 'href="/s/3/"' in html


def test_response_time_indicator(citizen, provider):
    person, _user, actor = citizen
    coop, owner = provider
    assert usual_response_seconds(coop.pk) is None
    for n in range(3):
        thread = start(actor, coop, person, subject=f"Domanda {n}")
        services.post_message(owner, thread, text="Risposta")
    seconds = usual_response_seconds(coop.pk)
    assert seconds is not None and seconds < 60
    assert response_time_text(seconds) == "Risponde di solito entro un'ora"
    assert response_time_text(3 * 3600 + 1) == "Risponde di solito entro 4 ore"
    with all_tenants():
        firsts = list(Thread.objects.values_list("first_response_seconds", flat=True))
    assert all(value is not None for value in firsts)
