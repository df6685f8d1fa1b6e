# ruff: noqa: F811 (the fixtures imported from threads_helpers are used by name)
"""Nothing of a thread is visible to anyone else: the thread pages and the attachments answer
404 to another provider's staff, another citizen, the network; anonymous visitors log in.
Attachments: PDF, JPEG or PNG by content, size limit, served to the two parties only."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benecomune.marketplace.models import Message, MessageAttachment, Thread
from benecomune.marketplace.services import threads as services
from tests.helpers import login
from tests.marketplace.threads_helpers import (  # noqa: F401 (fixtures)
    citizen,
    desk,
    other_citizen,
    pdf,
    provider,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(citizen, provider):
    person, _user, actor = citizen
    coop, _owner = provider
    return start(actor, coop, person, files=[pdf()])


def test_a_bad_attachment_is_refused_and_nothing_is_kept(citizen, provider):
    person, _user, actor = citizen
    coop, _owner = provider
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        start(actor, coop, person, files=[fake])
    assert "PDF, JPEG, PNG" in " ".join(info.value.message_dict["files"])
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="troppo grande"):
        start(actor, coop, person, files=[big])
    with pytest.raises(ValidationError, match="al massimo 3"):
        start(actor, coop, person, files=[pdf(f"{n}.pdf", bytes([n])) for n in range(4)])
    assert not Thread.objects_unscoped.exists() and not MessageAttachment.objects_unscoped.exists()


def test_the_attachment_is_served_to_the_two_parties_only(
    client, thread, citizen, other_citizen, provider, make_provider, admins, desk
):
    _person, user, _actor = citizen
    _coop, owner = provider
    attachment = MessageAttachment.objects_unscoped.get(message__thread=thread)
    staff_url = reverse("core:file", args=["marketplace-message", attachment.pk])
    citizen_url = reverse("core:my_file", args=["marketplace-message", attachment.pk])
    # Anonymous: the login page.
    for url in (staff_url, citizen_url):
        response = client.get(url)
        assert response.status_code == 302 and "/accedi/" in response["Location"]
    # The citizen and the provider's staff: the file, as an attachment, never cached.
    response = login(client, user).get(citizen_url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert login(client, owner.user, owner.membership).get(staff_url).status_code == 200
    # Another citizen, another provider's staff, the network, the desk: 404.
    assert login(client, other_citizen[1]).get(citizen_url).status_code == 404
    _other, other_owner = make_provider()
    assert login(client, other_owner.user, other_owner.membership).get(staff_url).status_code == 404
    assert login(client, admins[0].user, admins[0].membership).get(staff_url).status_code == 404
    assert login(client, desk.user, desk.membership).get(staff_url).status_code == 404


def test_another_providers_staff_gets_404_on_the_thread_pages(
    client, thread, provider, make_provider
):
    _other, other_owner = make_provider()
    page = login(client, other_owner.user, other_owner.membership)
    message = Message.objects_unscoped.filter(thread=thread).first()
    for url in (
        reverse("marketplace:inbox_thread", args=[thread.pk]),
        reverse("marketplace:inbox_thread_report", args=[thread.pk, message.pk]),
    ):
        assert page.get(url).status_code == 404
    assert (
        page.post(reverse("marketplace:inbox_thread", args=[thread.pk]), {"text": "x"}).status_code
        == 404
    )
    assert (
        page.post(
            reverse("marketplace:inbox_thread_status", args=[thread.pk]), {"azione": "chiudi"}
        ).status_code
        == 404
    )
    inbox = page.get(reverse("marketplace:inbox")).content.decode()
    assert thread.subject not in inbox
    thread.refresh_from_db()
    assert thread.is_open and Message.objects_unscoped.filter(thread=thread).count() == 1


def test_another_citizen_and_the_network_get_404(client, thread, other_citizen, admins):
    page = login(client, other_citizen[1])
    assert page.get(reverse("marketplace:my_thread", args=[thread.pk])).status_code == 404
    assert thread.subject not in page.get(reverse("marketplace:my_threads")).content.decode()
    admin = login(client, admins[0].user, admins[0].membership)
    assert admin.get(reverse("marketplace:inbox_thread", args=[thread.pk])).status_code == 403
    assert admin.get(reverse("marketplace:desk_thread", args=[thread.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("marketplace:my_thread", args=[thread.pk]))
    assert response.status_code == 302 and "/accedi/" in response["Location"]


def test_a_hidden_message_keeps_its_attachment_from_everyone(client, thread, provider, admins):
    _coop, owner = provider
    message = Message.objects_unscoped.filter(thread=thread).first()
    report = services.report_abuse(owner, message, reason="Offensivo")
    services.handle_report(admins[0], report, decision="hidden", note="Linguaggio offensivo")
    attachment = MessageAttachment.objects_unscoped.get(message=message)
    url = reverse("core:file", args=["marketplace-message", attachment.pk])
    assert login(client, owner.user, owner.membership).get(url).status_code == 404
