"""Who may act for a provider on its bookings: its staff (provider.manage or merchant.manage,
as everywhere in the marketplace) or one of its device/integration tokens (merchant.redeem,
bound to the provider: the bookings API). The audit names the staff member or the token."""

from benecomune.core.actors import Actor
from benecomune.marketplace.services.common import require_provider_staff

DEVICE_PERMISSION = "merchant.redeem"


def require_provider_side(actor: Actor, provider) -> None:
    if actor.is_device and actor.has_perm(DEVICE_PERMISSION, provider):
        return
    require_provider_staff(actor, provider)
