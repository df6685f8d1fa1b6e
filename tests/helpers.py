"""Helpers for tests (importable, unlike conftest)."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core.actors import Actor
from benecomune.core.middleware import ACTIVE_MEMBERSHIP_KEY
from benecomune.core.models import Membership


def login(client, user, membership=None):
    """Log in as `user`, second factor passed, acting in `membership` (if any)."""
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device:
        session["otp_device_id"] = device.persistent_id
    if membership:
        session[ACTIVE_MEMBERSHIP_KEY] = membership.pk
    session.save()
    return client


def actor_for(user, role=None, organization=None) -> Actor:
    if role is None:
        return Actor(user=user)
    membership = Membership.objects.select_related("organization").get(
        user=user, role=role, organization=organization
    )
    return Actor.for_membership(membership)
