"""The circuit's lifecycle: a shop asks to join, the Comune decides, the shop accepts the
convention. Each transition is one function here, audited in its transaction.

    (none) --request--> pending --approve--> approved --suspend--> suspended --reinstate--+
                          |  ^                  ^                                          |
                          |  +--request again---+-- rejected <--reject-- pending           |
                          +----------------------------------------------------------------+
A shop redeems a circuit's vouchers only while `approved` AND with the convention accepted.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import (
    normalize_iban,
    normalize_vat_number,
    validate_iban,
    validate_vat_number,
)
from benecomune.core.models import (
    MerchantCategory,
    Municipality,
    Organization,
    OrganizationKind,
    Provider,
)
from benecomune.core.notifications import send_email
from benecomune.ledger.services.wallets import merchant_account
from benecomune.vouchers.lifecycles import MEMBERSHIP
from benecomune.vouchers.models import (
    Circuit,
    CircuitMembership,
    MembershipStatus,
    PointOfSale,
)

MAX_POINTS_OF_SALE = 20
SNAPSHOT = ["status", "category", "vat_number", "iban", "address", "municipality"]


def circuit_for(organization: Organization) -> Circuit:
    """The circuit of a Comune or network, created with the standard convention on first use."""
    if organization.kind not in (OrganizationKind.MUNICIPALITY, OrganizationKind.NETWORK):
        raise ValidationError(_("Solo un Comune o una rete di Comuni hanno un circuito."))
    circuit = Circuit.objects_unscoped.filter(organization_id=organization.pk).first()
    if circuit is not None:
        return circuit
    name = (
        _("Circuito dei negozi del Comune di %(name)s")
        if organization.kind == OrganizationKind.MUNICIPALITY
        else _("Circuito dei negozi della rete %(name)s")
    ) % {"name": organization.name}
    circuit, _created = Circuit.objects_unscoped.get_or_create(
        organization_id=organization.pk,
        defaults={
            "name": name,
            "convention_text": render_to_string(
                "vouchers/convention.txt", {"organization": organization}
            ).strip(),
        },
    )
    return circuit


def joinable_organizations(merchant: Provider) -> list[Organization]:
    """Circuits a shop may ask to join: every Comune of its network, and the network."""
    network_id = merchant.network_id or (
        merchant.municipality.network_id if merchant.municipality_id else None
    )
    if network_id is None:
        return [merchant.municipality] if merchant.municipality_id else []
    comuni = list(
        Organization.objects.filter(
            network_id=network_id, kind=OrganizationKind.MUNICIPALITY, is_active=True
        ).order_by("name")
    )
    return [Organization.objects.get(pk=network_id), *comuni]


def parse_points_of_sale(text: str) -> list[tuple[str, str]]:
    """One point of sale per line, "name - address" or just the address."""
    points = []
    for raw in (text or "").splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        name, sep, address = line.partition(" - ")
        points.append((name, address) if sep and address else ("", line))
    return points


def clean_request(
    merchant: Provider,
    *,
    category: str,
    vat_number: str,
    iban: str,
    iban_holder: str,
    address: str,
    municipality: Municipality,
    points_of_sale: list[tuple[str, str]],
) -> dict:
    """Validate what a shop declares; every problem at once, in Italian, nothing written."""
    errors: dict[str, list] = {}
    vat = normalize_vat_number(vat_number)
    try:
        validate_vat_number(vat)
    except ValidationError as exc:
        errors["vat_number"] = exc.messages
    else:
        taken = Provider.objects.filter(vat_number=vat).exclude(pk=merchant.pk).exists()
        if taken:
            errors["vat_number"] = [
                _("La partita IVA %(vat)s è già registrata per un altro esercente.") % {"vat": vat}
            ]
    clean_iban = normalize_iban(iban)
    try:
        validate_iban(clean_iban)
    except ValidationError as exc:
        errors["iban"] = exc.messages
    if not clean_iban.startswith("IT") and "iban" not in errors:
        errors["iban"] = [_("Serve un conto italiano (IBAN che inizia con IT).")]
    if category not in MerchantCategory.values:
        errors["category"] = [_("Scelga la categoria del negozio.")]
    if not " ".join((iban_holder or "").split()):
        errors["iban_holder"] = [_("Indichi l'intestatario del conto.")]
    if not " ".join((address or "").split()):
        errors["address"] = [_("Indichi l'indirizzo della sede.")]
    if municipality is None:
        errors["municipality"] = [_("Scelga il Comune della sede.")]
    if not points_of_sale:
        errors["points_of_sale"] = [_("Indichi almeno un punto vendita (l'indirizzo del negozio).")]
    elif len(points_of_sale) > MAX_POINTS_OF_SALE:
        errors["points_of_sale"] = [
            _("Al massimo %(n)s punti vendita per richiesta.") % {"n": MAX_POINTS_OF_SALE}
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "category": category,
        "vat_number": vat,
        "iban": clean_iban,
        "iban_holder": " ".join(iban_holder.split())[:200],
        "address": " ".join(address.split())[:200],
        "municipality": municipality,
    }


@transaction.atomic
def request_membership(
    actor: Actor,
    merchant: Provider,
    organization: Organization,
    *,
    category: str,
    vat_number: str,
    iban: str,
    iban_holder: str,
    address: str,
    municipality: Municipality,
    points_of_sale: list[tuple[str, str]],
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> CircuitMembership:
    """A shop asks to join `organization`'s circuit (or asks again after a rejection)."""
    actor.require("merchant.manage", merchant)
    if organization.pk not in {o.pk for o in joinable_organizations(merchant)}:
        raise ValidationError(_("Il negozio non può aderire al circuito di questo ente."))
    data = clean_request(
        merchant,
        category=category,
        vat_number=vat_number,
        iban=iban,
        iban_holder=iban_holder,
        address=address,
        municipality=municipality,
        points_of_sale=points_of_sale,
    )
    circuit = circuit_for(organization)
    membership = (
        CircuitMembership.objects_unscoped.select_for_update()
        .filter(circuit=circuit, merchant=merchant)
        .first()
    )
    before = audit.snapshot(membership, SNAPSHOT) if membership else None
    if membership is not None and membership.status in (
        MembershipStatus.APPROVED,
        MembershipStatus.SUSPENDED,
    ):
        raise ValidationError(
            _("Il negozio fa già parte di questo circuito: per cambiare i dati contatti il Comune.")
        )
    if membership is None:
        membership = CircuitMembership(circuit=circuit, organization_id=organization.pk)
        membership.merchant = merchant
    elif membership.status != MembershipStatus.PENDING:  # asking again after a rejection
        MEMBERSHIP.check(actor, membership, MembershipStatus.PENDING)
    for field, value in data.items():
        setattr(membership, field, value)
    membership.status = MembershipStatus.PENDING
    membership.contact_name = contact_name[:200]
    membership.contact_email = contact_email[:254]
    membership.contact_phone = contact_phone[:30]
    membership.requested_by = actor.user
    membership.requested_at = timezone.now()
    membership.decided_by, membership.decided_at, membership.decision_reason = None, None, ""
    membership.save()
    _replace_points_of_sale(merchant, points_of_sale)
    audit.record(
        actor,
        "vouchers.membership_requested",
        membership,
        organization=organization,
        before=before,
        after={**audit.snapshot(membership, SNAPSHOT), "points_of_sale": len(points_of_sale)},
    )
    send_email(
        organization.email,
        _("Nuova richiesta di adesione al circuito: %(name)s") % {"name": merchant.name},
        _("%(name)s chiede di aderire al %(circuit)s. La trova tra le richieste in attesa.")
        % {"name": merchant.name, "circuit": circuit.name},
        organization=organization,
    )
    return membership


def _replace_points_of_sale(merchant: Provider, points: list[tuple[str, str]]) -> None:
    PointOfSale.objects_unscoped.filter(merchant=merchant).update(is_active=False)
    for name, address in points:
        existing = PointOfSale.objects_unscoped.filter(merchant=merchant, address=address).first()
        if existing:
            existing.name = name or merchant.name
            existing.is_active = True
            existing.save(update_fields=["name", "is_active"])
        else:
            PointOfSale.objects_unscoped.create(
                merchant=merchant, name=(name or merchant.name)[:200], address=address[:200]
            )


def _locked(membership: CircuitMembership) -> CircuitMembership:
    return CircuitMembership.objects_unscoped.select_for_update().get(pk=membership.pk)


def _decide(actor, membership, *, to, action, reason, require_reason) -> CircuitMembership:
    actor.require("circuit.manage", membership.organization_id)
    current = _locked(membership)
    MEMBERSHIP.check(actor, current, to, action=action)  # the table says from where
    reason = (reason or "").strip()
    if require_reason and not reason:
        raise ValidationError({"reason": [_("Indichi il motivo: sarà comunicato al negozio.")]})
    before = audit.snapshot(current, SNAPSHOT)
    current.decided_by = actor.user
    current.decided_at = timezone.now()
    current.decision_reason = reason
    MEMBERSHIP.apply(
        actor,
        current,
        to,
        action=action,
        extra_fields=["decided_by", "decided_at", "decision_reason"],
        organization=Organization(pk=current.organization_id),
        before=before,
        after=audit.snapshot(current, SNAPSHOT),
        reason=reason,
    )
    return current


@transaction.atomic
def approve(actor: Actor, membership: CircuitMembership, *, reason: str = "") -> CircuitMembership:
    """Approve a request: the shop's category, address and seat become those declared, and a
    shop that signed up on its own becomes active."""
    current = _decide(
        actor,
        membership,
        to=MembershipStatus.APPROVED,
        action="vouchers.membership_approved",
        reason=reason,
        require_reason=False,
    )
    merchant = Provider.objects.select_for_update().get(pk=current.merchant_id)
    before = audit.snapshot(
        merchant, ["category", "address", "municipality", "vat_number", "is_active"]
    )
    merchant.category = current.category
    merchant.address = current.address
    merchant.municipality_id = current.municipality_id
    merchant.vat_number = current.vat_number
    merchant.is_active = True
    merchant.save(update_fields=["category", "address", "municipality", "vat_number", "is_active"])
    merchant_account(merchant)  # its receivable exists before the first sale
    after = audit.snapshot(
        merchant, ["category", "address", "municipality", "vat_number", "is_active"]
    )
    if after != before:
        audit.record(
            actor,
            "vouchers.merchant_updated",
            merchant,
            organization=merchant,
            before=before,
            after=after,
        )
    _tell_merchant(
        current,
        _("Adesione al circuito approvata"),
        _(
            "La richiesta di %(name)s è stata approvata. Accetti la convenzione dalla pagina "
            "«Adesione al circuito» per iniziare a incassare i buoni."
        )
        % {"name": merchant.name},
    )
    return current


@transaction.atomic
def reject(actor: Actor, membership: CircuitMembership, *, reason: str) -> CircuitMembership:
    current = _decide(
        actor,
        membership,
        to=MembershipStatus.REJECTED,
        action="vouchers.membership_rejected",
        reason=reason,
        require_reason=True,
    )
    _tell_merchant(
        current,
        _("Adesione al circuito respinta"),
        _("La richiesta è stata respinta per questo motivo: %(reason)s") % {"reason": reason},
    )
    return current


@transaction.atomic
def suspend(actor: Actor, membership: CircuitMembership, *, reason: str) -> CircuitMembership:
    """The shop stops taking this circuit's vouchers at once (the till reads the membership
    on every call)."""
    current = _decide(
        actor,
        membership,
        to=MembershipStatus.SUSPENDED,
        action="vouchers.membership_suspended",
        reason=reason,
        require_reason=True,
    )
    _tell_merchant(
        current,
        _("Adesione al circuito sospesa"),
        _("Da ora il negozio non può incassare i buoni di questo circuito. Motivo: %(reason)s")
        % {"reason": reason},
    )
    return current


@transaction.atomic
def reinstate(
    actor: Actor, membership: CircuitMembership, *, reason: str = ""
) -> CircuitMembership:
    return _decide(
        actor,
        membership,
        to=MembershipStatus.APPROVED,
        action="vouchers.membership_reinstated",
        reason=reason,
        require_reason=False,
    )


@transaction.atomic
def accept_convention(actor: Actor, membership: CircuitMembership) -> CircuitMembership:
    """The shop accepts the circuit's convention as shown (its version is recorded)."""
    actor.require("merchant.manage", membership.merchant_id)
    current = _locked(membership)
    if current.status in (MembershipStatus.REJECTED,):
        raise ValidationError(_("La richiesta è stata respinta: la presenti di nuovo."))
    circuit = Circuit.objects_unscoped.get(pk=current.circuit_id)
    if current.convention_version == circuit.convention_version and current.convention_accepted:
        return current
    current.convention_version = circuit.convention_version
    current.convention_accepted_at = timezone.now()
    current.convention_accepted_by = actor.user
    current.save(
        update_fields=["convention_version", "convention_accepted_at", "convention_accepted_by"]
    )
    audit.record(
        actor,
        "vouchers.convention_accepted",
        current,
        organization=Organization(pk=current.organization_id),
        after={"version": circuit.convention_version, "circuit": circuit.pk},
    )
    return current


def _tell_merchant(membership: CircuitMembership, subject: str, body: str) -> None:
    merchant = Provider.objects.get(pk=membership.merchant_id)
    send_email(membership.contact_email or merchant.email, subject, body, organization=merchant)


def active_memberships(organization_ids):
    """Approved memberships with the convention accepted, in these circuits."""
    return CircuitMembership.objects_unscoped.filter(
        organization_id__in=list(organization_ids),
        status=MembershipStatus.APPROVED,
        convention_accepted_at__isnull=False,
    )


def merchant_iban(merchant: Provider, organization_id: int | None = None) -> tuple[str, str] | None:
    """(IBAN, holder) the shop declared to a circuit (`organization_id`'s, else the latest
    approved one): what a settlement pays into."""
    qs = CircuitMembership.objects_unscoped.filter(
        merchant=merchant, status__in=[MembershipStatus.APPROVED, MembershipStatus.SUSPENDED]
    )
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    row = qs.order_by("-decided_at").values_list("iban", "iban_holder").first()
    return tuple(row) if row else None
