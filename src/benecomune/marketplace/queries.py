"""Reading accreditations: `is_accredited`, the one answer other apps ask (catalogue, search,
payments), `payment_refusal`, the rule for marketplace purchases paid from public or company
wallets, and `service_payment_refusal`, the same for one service of the catalogue (registered
as the purchase rule of intents for `marketplace.service`, see docs/marketplace.md)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.compiled_queries import STAND_IN_DAY, CompiledQuery
from benecomune.core.models import OrganizationKind
from benecomune.ledger.spending import memoized
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationStatus,
    PayerKind,
    ProviderProfile,
    Service,
    ServiceStatus,
)


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
    rows = _accredited_in(getattr(provider, "pk", provider), network_id_of(organization), on)
    if area:
        rows = rows.filter(area=area)
    return rows


def _accredited_in(provider_id: int, network_id: int | None, on: datetime.date):
    return Accreditation.objects_unscoped.filter(
        provider_id=provider_id,
        network_id=network_id,
        status=AccreditationStatus.ACCREDITED,
        valid_from__lte=on,
        valid_until__gte=on,
    )


# Checked by every payment from a Comune's or a company's wallet (core.compiled_queries).
ACCREDITED = CompiledQuery(
    "accredited",
    lambda provider_id, network_id, on: _accredited_in(provider_id, network_id, on).values_list(
        "pk"
    )[:1],
    -7_011_000,
    -7_011_001,
    STAND_IN_DAY,
)
ACCREDITED_IN_AREA = CompiledQuery(
    "accredited_in_area",
    lambda provider_id, network_id, on, area: (
        _accredited_in(provider_id, network_id, on).filter(area=area).values_list("pk")[:1]
    ),
    -7_012_000,
    -7_012_001,
    STAND_IN_DAY,
    "\x00area",
)


def _is_accredited(provider, organization, area: str | None, on) -> bool:
    values = (getattr(provider, "pk", provider), network_id_of(organization))
    on = on or timezone.localdate()
    found = ACCREDITED_IN_AREA(*values, on, area) if area else ACCREDITED(*values, on)
    return bool(found)


def _accredited_key(provider, organization, area, on) -> tuple:
    return (
        "marketplace.accredited",
        getattr(provider, "pk", provider),
        getattr(organization, "pk", organization),
        area,
        on,
    )


def is_accredited(provider, network_or_municipality, area: str | None = None, on=None) -> bool:
    key = _accredited_key(provider, network_or_municipality, area, on)
    if hasattr(network_or_municipality, "network_id"):
        # Keyed by the network when the organisation is loaded: a Comune's voucher and a
        # company's plan wallet in the same network read the accreditation once.
        network_id = network_id_of(network_or_municipality)
        key = ("marketplace.accredited_in_network", key[1], network_id, area, on)
    return memoized(key, lambda: _is_accredited(provider, network_or_municipality, area, on))


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
    # Keyed by the issuer's id: the issuer is loaded only when the answer is not known yet.
    key = _accredited_key(provider, wallet.organization_id, area, on)
    if memoized(key, lambda: is_accredited(provider, wallet.organization, area=area, on=on)):
        return None
    return _(
        "%(provider)s non è accreditato nella rete del Comune o dell'azienda che ha emesso il "
        "buono: lo può pagare solo con denaro proprio."
    ) % {"provider": provider.name}


# The payer kind of each wallet source; a source not listed pays nothing here (fail closed).
PAYER_OF_SOURCE = {
    "call_award": PayerKind.PUBLIC,
    "company_plan": PayerKind.COMPANY,
    "top_up": PayerKind.OWN,
}
SERVICE_OBJECT_TYPE = "marketplace.service"


def service_payment_refusal(wallet, service: Service, *, on=None) -> str | None:
    """None when `wallet` may pay `service`; otherwise why not, in Italian. The service must be
    published and accept the wallet's kind; a public or company wallet pays only a provider
    accredited in the service's area in the issuer's network; a company wallet only a service
    of one of its art. 51 categories."""
    payer = PAYER_OF_SOURCE.get(wallet.source_kind)
    if service.status != ServiceStatus.PUBLISHED:
        return _("«%(title)s» non è più offerto.") % {"title": service.title}
    if payer is None or payer not in service.payable_by:
        return _("«%(title)s» non si può pagare con %(kind)s.") % {
            "title": service.title,
            "kind": str(PayerKind(payer).label).lower() if payer else _("questo buono"),
        }
    if payer == PayerKind.OWN:
        return None
    if not service.accreditation_area:
        return _(
            "«%(title)s» non ha un'area di accreditamento: si può pagare solo con denaro proprio."
        ) % {"title": service.title}
    refusal = payment_refusal(wallet, service.provider, area=service.accreditation_area, on=on)
    if refusal:
        return refusal
    if payer == PayerKind.COMPANY and (
        not service.art51_category
        or (wallet.allowed_categories and service.art51_category not in wallet.allowed_categories)
    ):
        return _(
            "Il piano di welfare aziendale non copre «%(title)s» (categorie dell'art. 51 TUIR)."
        ) % {"title": service.title}
    return None


def remember_service(service: Service) -> None:
    """Inside a `memo_scope`: `service` (loaded by the caller, its provider with it) is the one
    `service_of_object` answers for its id, so the wallets' checks do not read it again."""
    memoized(("marketplace.service", service.pk), lambda: service)


def service_of_object(object_id: str) -> Service | None:
    """The service an intent pays: `object_id` is its id, optionally `<id>:<variant id>`."""
    head = str(object_id).split(":", 1)[0]
    if not head.isdigit():
        return None
    # The search vector is the catalogue search's, never a payment's: not read here.
    return memoized(
        ("marketplace.service", int(head)),
        lambda: (
            Service.objects_unscoped.select_related("provider")
            .defer("search_vector")
            .filter(pk=int(head))
            .first()
        ),
    )


def purchase_rule(wallet, payee, object_type: str, object_id: str, day) -> str | None:
    """The rule payments evaluate for a wallet leg of an intent paying a service."""
    service = service_of_object(object_id)
    if service is None or service.provider_id != payee.pk:
        return _("Il servizio da pagare non esiste o non è di questo fornitore.")
    return service_payment_refusal(wallet, service, on=day)
