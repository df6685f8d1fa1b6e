"""Notify a person: an in-app message now, an e-mail after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from benecomune.core.models import Notification, Person


def notify_person(person: Person, *, subject: str, body: str, link: str = "") -> Notification:
    note = Notification.objects.create(person=person, subject=subject[:200], body=body, link=link)
    if person.email:
        email = person.email
        transaction.on_commit(
            lambda: send_mail(
                subject=f"[Bene Comune] {subject}",
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email],
                fail_silently=True,
            )
        )
    return note
