"""Tell an organisation (a merchant) by e-mail, after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def notify_organization(organization, *, subject: str, body: str) -> None:
    email = organization.email
    if not email:
        return
    transaction.on_commit(
        lambda: send_mail(
            subject=f"[Bene Comune] {subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
            fail_silently=True,
        )
    )
