"""Reading accreditations: `is_accredited`, the one answer other apps ask (catalogue, search,
payments), and `payment_refusal`, the rule for marketplace purchases paid from public or
company wallets (see docs/marketplace.md for the hook in payments)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.models import OrganizationKind
from benecomune.marketplace.models import Accreditation, AccreditationStatus, ProviderProfile


def network_id_of(organization) -> int | None:
    """The network of a network, a Comune, a company (an organisation's `network`)."""
    if organization is None:
        return None
    if getattr(organization, "kind", None) == OrganizationKind.NETWORK:
        return organization.pk
    return organization.network_id


def accredited(provider, organization, *, area: str | None = None, on: datetime.date | None = None):
    """The accreditations making `provider` accredited on `on` in the network of
    `organization` (a network or one of its members), for `area` when given."""
    on = on or timezone.localdate()
    rows = Accreditation.objects_unscoped.filter(
        provider_id=getattr(provider, "pk", provider),
        network_id=network_id_of(organization),
        status=AccreditationStatus.ACCREDITED,
        valid_from__lte=on,
        valid_until__gte=on,
    )
    if area:
        rows = rows.filter(area=area)
    return rows


def is_accredited(provider, network_or_municipality, area: str | None = None, on=None) -> bool:
    return accredited(provider, network_or_municipality, area=area, on=on).exists()


# Wallet sources paid by someone else (a Comune's award, a company's plan): only accredited
# providers. Own money (top-ups, the payment provider) pays any provider.
RESTRICTED_SOURCES = ("call_award", "company_plan")


def sells_services(provider) -> bool:
    return ProviderProfile.objects_unscoped.filter(
        provider_id=getattr(provider, "pk", provider), sells_services=True
    ).exists()


def payment_refusal(wallet, provider, *, area: str | None = None, on=None) -> str | None:
    """None when `wallet` may pay `provider` for a marketplace service; otherwise why not, in
    Italian. Public and company wallets pay only providers accredited in the network of the
    wallet's issuer (its Comune or company)."""
    if wallet.source_kind not in RESTRICTED_SOURCES:
        return None
    if is_accredited(provider, wallet.organization, area=area, on=on):
        return None
    return _(
        "%(provider)s non è accreditato nella rete del Comune o dell'azienda che ha emesso il "
        "buono: lo può pagare solo con denaro proprio."
    ) % {"provider": provider.name}
