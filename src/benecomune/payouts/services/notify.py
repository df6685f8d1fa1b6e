"""Tell an organisation (a merchant) by e-mail, after the transaction commits."""

from benecomune.core.notifications import send_email


def notify_organization(organization, *, subject: str, body: str) -> None:
    send_email(organization.email, subject, body, organization=organization)
