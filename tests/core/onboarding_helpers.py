"""Helpers for the onboarding and staff page tests: follow an invitation as the invited
person would, from the e-mail to the second factor."""

import re

from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core.models import User

PASSWORD = "Una-password-lunga-2026"


def invitation_link(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    return re.search(r"https?://[^/\s]+(/invito/[^\s]+/)", message.body).group(1)


def enrol_totp(client: Client, user: User) -> None:
    """The first-login TOTP enrolment page, with the code an authenticator app would show."""
    assert client.get("/verifica/attiva/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/verifica/attiva/?next=/", {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]


def accept(email: str, password: str = PASSWORD) -> tuple[Client, User]:
    """Open the invitation link in a fresh browser, choose the password, enrol TOTP."""
    client = Client()
    link = invitation_link(email)
    assert client.get(link).status_code == 200
    response = client.post(link, {"password": password, "password2": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("/verifica/attiva/")
    user = User.objects.get(email=email)
    enrol_totp(client, user)
    return client, user
