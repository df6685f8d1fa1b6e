"""The payment-provider interface for own money, and a deterministic fake for tests and demo.

A gateway authorises an amount on the buyer's card or account, captures all or part of it,
voids what was not captured and refunds captured money. Every call returns the provider's
reference. Payments call the gateway inside their database transaction and undo a gateway
step (void the authorisation, refund the capture) when a later step of the same transaction
fails; see docs/payments.md for the one window this leaves (a failed COMMIT).
"""

import hashlib
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from benecomune.payments.exceptions import GatewayDeclined, PaymentError


class Gateway(Protocol):
    name: str

    def authorise(self, *, amount: int, idempotency_key: str, description: str = "") -> str: ...

    def capture(self, reference: str, amount: int) -> str: ...

    def void(self, reference: str) -> str: ...

    def refund(self, reference: str, amount: int) -> str: ...


@dataclass
class _FakeAuthorisation:
    key: str
    amount: int
    captured: int = 0
    refunded: int = 0
    voided: bool = False


@dataclass
class FakeGateway:
    """In-memory and deterministic: the reference is derived from the idempotency key, so a
    retried authorisation returns the same one. `decline = True` refuses every authorisation
    (and `decline_amounts` those of given amounts); `calls` logs every operation."""

    name: str = "fake"
    decline: bool = False
    decline_amounts: set[int] = field(default_factory=set)
    authorisations: dict[str, _FakeAuthorisation] = field(default_factory=dict)
    calls: list[tuple[str, str, int]] = field(default_factory=list)

    def authorise(self, *, amount: int, idempotency_key: str, description: str = "") -> str:
        reference = "fake_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]
        existing = self.authorisations.get(reference)
        if existing is not None:
            if existing.amount != amount:
                raise PaymentError(
                    _("Il gestore dei pagamenti ha rifiutato una richiesta ripetuta.")
                )
            return reference
        if self.decline or amount in self.decline_amounts:
            self.calls.append(("declined", reference, amount))
            raise GatewayDeclined(_("Il pagamento con carta è stato rifiutato."))
        self.authorisations[reference] = _FakeAuthorisation(idempotency_key, amount)
        self.calls.append(("authorise", reference, amount))
        return reference

    def _get(self, reference: str) -> _FakeAuthorisation:
        try:
            return self.authorisations[reference]
        except KeyError:
            raise PaymentError(_("Autorizzazione del gestore dei pagamenti inesistente.")) from None

    def capture(self, reference: str, amount: int) -> str:
        auth = self._get(reference)
        if auth.voided or auth.captured + amount > auth.amount:
            raise GatewayDeclined(_("Il gestore dei pagamenti non consente questo incasso."))
        auth.captured += amount
        self.calls.append(("capture", reference, amount))
        return f"{reference}:c{auth.captured}"

    def void(self, reference: str) -> str:
        auth = self._get(reference)
        auth.voided = True
        self.calls.append(("void", reference, auth.amount - auth.captured))
        return f"{reference}:v"

    def refund(self, reference: str, amount: int) -> str:
        auth = self._get(reference)
        if auth.refunded + amount > auth.captured:
            raise GatewayDeclined(_("Il gestore dei pagamenti non consente questo rimborso."))
        auth.refunded += amount
        self.calls.append(("refund", reference, amount))
        return f"{reference}:r{auth.refunded}"


_GATEWAYS: dict[str, Gateway] = {"fake": FakeGateway()}


def get_gateway(name: str) -> Gateway:
    try:
        return _GATEWAYS[name]
    except KeyError:
        raise PaymentError(
            _("Gestore dei pagamenti sconosciuto: %(name)s.") % {"name": name}
        ) from None


def register_gateway(gateway: Gateway) -> None:
    """Make a gateway available under its name (a real provider's adapter, a test's fake)."""
    _GATEWAYS[gateway.name] = gateway
