# ruff: noqa: F811 (the fixtures imported from threads_helpers are used by name)
"""Rate limits in the shared counters, abuse reports handled by the network, and the desk
acting for a citizen (recorded with the consent)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from benecomune.core import shared_counters
from benecomune.core.models import AuditEvent, Network, Role
from benecomune.marketplace.models import AbuseReport, AbuseStatus, Message, Side, Thread
from benecomune.marketplace.services import threads as services
from benecomune.marketplace.services.thread_access import counter_key
from tests.helpers import login
from tests.marketplace.threads_helpers import (  # noqa: F401 (fixtures)
    citizen,
    desk,
    other_citizen,
    provider,
    start,
)

pytestmark = pytest.mark.django_db


def counter_rows(prefix):
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT "key", value FROM core_sharedcounter WHERE "key" LIKE %s', [prefix + "%"]
        )
        return dict(cursor.fetchall())


def test_new_threads_are_limited_per_hour(citizen, provider, settings):
    settings.MARKETPLACE_THREADS_PER_HOUR = 2
    person, user, actor = citizen
    coop, _owner = provider
    start(actor, coop, person)
    start(actor, coop, person)
    with pytest.raises(ValidationError, match="al massimo 2 conversazioni"):
        start(actor, coop, person)
    assert Thread.objects_unscoped.count() == 2
    # The count lives in the shared store (core_sharedcounter), one row per user and hour,
    # which every worker process reads and changes with one atomic statement.
    rows = counter_rows(f"marketplace.thread:u{user.pk}:")
    assert list(rows.values()) == [2]
    assert list(rows) == [counter_key("thread", actor, person.pk, 3600)]


def test_the_limit_is_the_shared_stores_count_not_the_process(citizen, provider, settings):
    """What another worker counted (a hit through a fresh store object, as another process
    would make) is refused here too."""
    settings.MARKETPLACE_MESSAGES_PER_MINUTE = 3
    person, _user, actor = citizen
    coop, _owner = provider
    thread = start(actor, coop, person)
    key = counter_key("message", actor, person.pk, 60)
    # Another worker posted two messages in this minute.
    other_worker = shared_counters.DatabaseCounters()
    other_worker.hit(key, 3, 60)
    other_worker.hit(key, 3, 60)
    services.post_message(actor, thread, text="Terzo")
    with pytest.raises(ValidationError, match="al massimo 3 messaggi"):
        services.post_message(actor, thread, text="Quarto")
    assert Message.objects_unscoped.filter(thread=thread).count() == 2


def test_with_a_redis_like_cache_store_the_limit_holds(citizen, provider, settings):
    settings.SHARED_COUNTERS_STORE = "cache"
    settings.MARKETPLACE_MESSAGES_PER_MINUTE = 1
    person, _user, actor = citizen
    coop, _owner = provider
    thread = start(actor, coop, person)
    services.post_message(actor, thread, text="Uno")
    with pytest.raises(ValidationError, match="al massimo 1 messaggi"):
        services.post_message(actor, thread, text="Due")


def test_the_rate_limit_message_on_the_page(client, citizen, provider, settings):
    settings.MARKETPLACE_MESSAGES_PER_MINUTE = 1
    person, user, actor = citizen
    coop, _owner = provider
    thread = start(actor, coop, person)
    page = login(client, user)
    url = reverse("marketplace:my_thread", args=[thread.pk])
    assert page.post(url, {"text": "Uno"}).status_code == 302
    response = page.post(url, {"text": "Due"})
    assert response.status_code == 400
    assert "al massimo 1 messaggi al minuto" in response.content.decode()


def test_abuse_report_handled_by_the_network(client, citizen, provider, admins, make_actor):
    person, user, actor = citizen
    coop, owner = provider
    thread = start(actor, coop, person)
    answer = services.post_message(owner, thread, text="Messaggio offensivo")
    # Only the other side's message may be reported; through the page.
    with pytest.raises(ValidationError):
        services.report_abuse(owner, answer, reason="?")
    page = login(client, user)
    response = page.post(
        reverse("marketplace:my_thread_report", args=[thread.pk, answer.pk]),
        {"reason": "Parole offensive"},
    )
    assert response.status_code == 302
    report = AbuseReport.objects_unscoped.get()
    assert report.network_id == coop.network_id and report.reporter_side == Side.CITIZEN
    # The provider cannot handle it; another network's admin does not see it.
    with pytest.raises(PermissionDenied):
        services.handle_report(owner, report, decision="hidden", note="x")
    elsewhere = Network.objects.create(name="Altra rete", slug="altra-rete-m")
    stranger = make_actor("altra-m@example.org", Role.PLATFORM_ADMIN, elsewhere)
    stranger_page = login(client, stranger.user, stranger.membership)
    assert (
        stranger_page.get(reverse("marketplace:abuse_report", args=[report.pk])).status_code == 404
    )
    # The network's admin: the list, the message, the decision (hide needs a note).
    admin = login(client, admins[0].user, admins[0].membership)
    listing = admin.get(reverse("marketplace:abuse_reports")).content.decode()
    assert reverse("marketplace:abuse_report", args=[report.pk]) in listing
    detail = admin.get(reverse("marketplace:abuse_report", args=[report.pk])).content.decode()
    assert "Messaggio offensivo" in detail and "Buongiorno" not in detail
    response = admin.post(
        reverse("marketplace:abuse_report", args=[report.pk]), {"decision": "hidden"}
    )
    assert response.status_code == 400
    response = admin.post(
        reverse("marketplace:abuse_report", args=[report.pk]),
        {"decision": "hidden", "note": "Linguaggio offensivo"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    answer.refresh_from_db()
    assert report.status == AbuseStatus.HIDDEN and report.handled_by == admins[0].user
    assert answer.hidden_at is not None
    event = AuditEvent.objects_unscoped.get(action="marketplace.abuse_handled")
    assert event.after["message"] == answer.pk and event.reason == "Linguaggio offensivo"
    page = login(client, user)
    html = page.get(reverse("marketplace:my_thread", args=[thread.pk])).content.decode()
    assert "Messaggio offensivo" not in html and "nascosto" in html
    # Its report page is gone too: the words are hidden from both parties.
    report_page = reverse("marketplace:my_thread_report", args=[thread.pk, answer.pk])
    assert page.get(report_page).status_code == 404
    with pytest.raises(ValidationError, match="già stata esaminata"):
        services.handle_report(admins[0], report, decision="dismissed")


def test_the_desk_writes_for_a_citizen_with_consent(client, citizen, provider, desk):
    person, _user, _actor = citizen
    coop, owner = provider
    # Without a consent note: refused, nothing written.
    with pytest.raises(ValidationError):
        start(desk, coop, person)
    assert not Thread.objects_unscoped.exists()
    page = login(client, desk.user, desk.membership)
    url = reverse("marketplace:desk_thread_new", args=[person.pk, coop.pk])
    assert page.get(url).status_code == 200
    response = page.post(
        url,
        {"subject": "Pasti", "text": "Scrivo per la signora.", "consent_note": "di persona, CI"},
    )
    assert response.status_code == 302
    thread = Thread.objects_unscoped.get()
    assert thread.person_id == person.pk and thread.created_by == desk.user
    message = Message.objects_unscoped.filter(thread=thread).get()
    assert message.on_behalf and message.side == Side.CITIZEN
    event = AuditEvent.objects_unscoped.get(action="marketplace.thread_started")
    assert event.after["on_behalf_of"] == person.fiscal_code
    assert "per conto di Anna Bianchi" in event.reason and "di persona, CI" in event.reason
    assert event.actor_role == Role.DESK_OPERATOR
    # The provider answers; the desk replies for her, again with the consent.
    services.post_message(owner, thread, text="Certo.")
    response = page.post(
        reverse("marketplace:desk_thread", args=[thread.pk]),
        {"text": "Grazie", "consent_note": "telefonata, delega agli atti"},
    )
    assert response.status_code == 302
    event = (
        AuditEvent.objects_unscoped.filter(action="marketplace.message_posted")
        .order_by("pk")
        .last()
    )
    assert event.after["on_behalf_of"] == person.fiscal_code
    # The desk reading does not mark the citizen's messages read.
    thread.refresh_from_db()
    assert (
        thread.citizen_read_upto
        < Message.objects_unscoped.filter(thread=thread).filter(side=Side.PROVIDER).get().pk
    )


def test_another_comunes_desk_gets_404(client, citizen, provider, make_user, other_municipality):
    person, _user, actor = citizen
    coop, _owner = provider
    thread = start(actor, coop, person)
    user = make_user(
        "altro-sportello@example.org", role=Role.DESK_OPERATOR, organization=other_municipality
    )
    from tests.helpers import actor_for

    other_desk = actor_for(user, Role.DESK_OPERATOR, other_municipality)
    page = login(client, user, other_desk.membership)
    assert page.get(reverse("marketplace:desk_thread", args=[thread.pk])).status_code == 404
    assert page.get(reverse("marketplace:desk_threads", args=[person.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.post_message(other_desk, thread, text="x", consent_note="y")
