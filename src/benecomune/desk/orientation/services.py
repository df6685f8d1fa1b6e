"""Catalogue services for a case: published services of the residence's network whose
service type the need's data names, in the need's user area (or multi-user); offered to the
person (the catalogue's residents rule: in person or at home only for residents of the
network, at home only where the provider goes); for the person's target groups; and for each
of the person's wallets with money, whether it may pay the service, by the same rules an
intent's legs are checked with (the wallet's spending policy and the catalogue's purchase
rule, payments.services.planning.wallet_refusal)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.desk.models import SuggestionKind
from benecomune.desk.orientation.suggestions import Suggestion
from benecomune.ledger.money import format_euro
from benecomune.marketplace.models import Delivery, PriceKind, Service, ServiceType, TargetGroup
from benecomune.marketplace.queries import PAYER_OF_SOURCE, SERVICE_OBJECT_TYPE, network_id_of
from benecomune.marketplace.services.offer import accredited_for_service, visible_services

# At most this many services per need; candidates read per need (targets filter some out).
PER_NEED = 5
CANDIDATES_PER_NEED = 20


def candidates(needs, municipality, on):
    """The services that may answer `needs` for a resident of `municipality`, per need:
    accredited ones first (public and company wallets may pay them), then the cheapest."""
    if municipality is None:
        return []
    served = Service.municipalities_served.through.objects.filter(service_id=OuterRef("pk"))
    base = (
        visible_services(municipality, on=on)
        .filter(
            ~Q(delivery=Delivery.AT_HOME)
            | ~Exists(served)
            | Exists(served.filter(municipality_id=municipality.pk))
        )
        .defer("search_vector", "description")
        .annotate(accredited=accredited_for_service(network_id_of(municipality), on))
        .order_by("-accredited", "price", "pk")
    )
    found = {}
    for need in needs:
        if not need.service_types:
            continue
        areas = {need.area.user_area, "multi_user"} - {""}
        rows = base.filter(service_type__in=need.service_types, user_area__in=areas)
        for service in rows[:CANDIDATES_PER_NEED]:
            found.setdefault(service.pk, service)
    return sorted(found.values(), key=lambda s: (not s.accredited, s.price or 0, s.pk))


def _price(service) -> str:
    if service.price_kind == PriceKind.FREE:
        return _("gratuito")
    if service.price_kind == PriceKind.ON_REQUEST or service.price is None:
        return _("prezzo su richiesta")
    return f"{format_euro(service.price)} {service.get_price_unit_display()}".strip()


def _delivery_reason(service, municipality) -> str:
    if service.delivery == Delivery.ONLINE:
        return _("Si segue online.")
    if service.delivery == Delivery.AT_HOME:
        return _("A domicilio, anche nel Comune di %(comune)s.") % {"comune": municipality.name}
    return _("In presenza, per i residenti dei Comuni della rete.")


def _payers(service, profile) -> tuple[list[str], list[str]]:
    from benecomune.payments.services.planning import wallet_refusal

    reasons, unknowns = [], []
    paying = [
        w
        for w in profile.wallets
        if w.available > 0
        and PAYER_OF_SOURCE.get(w.source_kind) in service.payable_by  # the rule's first test
        and wallet_refusal(w, service.provider, profile.on, SERVICE_OBJECT_TYPE, str(service.pk))
        is None
    ]
    for wallet in paying:
        reasons.append(
            _("Si può pagare con «%(wallet)s» (disponibili %(amount)s).")
            % {"wallet": wallet.title, "amount": format_euro(wallet.available)}
        )
    if not paying:
        if service.price_kind == PriceKind.FREE:
            return reasons, unknowns
        if service.accepts_own:
            unknowns.append(_("Nessun buono della persona lo paga: si paga con denaro proprio."))
        else:
            unknowns.append(_("Nessun buono della persona lo paga."))
    return reasons, unknowns


def service_suggestions(needs, profile, *, municipality) -> list[Suggestion]:
    found: dict[int, Suggestion] = {}
    per_need = {need.pk: 0 for need in needs}
    types = dict(ServiceType.choices)
    targets = dict(TargetGroup.choices)
    for service in candidates(needs, municipality, profile.on):
        fitting = set(service.target_groups or ()) & profile.targets
        if profile.person is not None and service.target_groups and not fitting:
            continue
        answered = [
            need
            for need in needs
            if per_need[need.pk] < PER_NEED
            and service.service_type in need.service_types
            and service.user_area in (need.area.user_area, "multi_user")
        ]
        if not answered:
            continue
        suggestion = Suggestion(
            kind=SuggestionKind.SERVICE,
            object_id=service.pk,
            title=service.title,
            detail=f"{service.provider.name} · {_price(service)}",
            url=reverse(
                "marketplace:catalogue_service",
                kwargs={"slug": municipality.slug, "pk": service.pk},
            ),
        )
        for need in answered:
            per_need[need.pk] += 1
            suggestion.answers(need)
            suggestion.reasons.append(
                _("Risponde al bisogno «%(need)s» (%(type)s).")
                % {"need": need.name, "type": str(types.get(service.service_type, ""))}
            )
        if fitting:
            suggestion.reasons.append(
                _("Pensato per: %(who)s.")
                % {
                    "who": ", ".join(
                        str(targets[t]).lower() for t in sorted(fitting) if t in targets
                    )
                }
            )
        suggestion.reasons.append(_delivery_reason(service, municipality))
        if profile.person is None:
            suggestion.unknowns.append(
                _("Chi paga non è verificato: la persona non è identificata.")
            )
        else:
            reasons, unknowns = _payers(service, profile)
            suggestion.reasons += reasons
            suggestion.unknowns += unknowns
        found[service.pk] = suggestion
        if all(n >= PER_NEED for n in per_need.values()):
            break
    return list(found.values())
