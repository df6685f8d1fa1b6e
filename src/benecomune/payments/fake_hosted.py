"""A local fake of a payment provider with a hosted payment page, for the demo and tests.

A real provider (Stripe, Nexi, PagoPA's checkout...) works in three steps that this fake
reproduces: the platform asks it to authorise an amount (the gateway's `authorise`: the
provider's payment is created and waits for the buyer); the buyer is sent to the provider's
page, pays or gives up there, and comes back to a return address; the provider then tells the
platform the outcome with a **webhook**, a POST signed with a secret they share (HMAC-SHA256
of the body). The webhook, not the return address, is what the platform believes.

`FakeHostedGateway` is the adapter (registered as "fake_hosted"); `signed_event` builds and
signs a notification as the provider would; `verify` checks one. The hosted page itself (the
"Paga" / "Annulla" buttons) is a view of the app that sells (bookings/views/orders_gateway.py).
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings

from benecomune.payments.gateways import FakeGateway, _FakeAuthorisation, register_gateway

NAME = "fake_hosted"
SIGNATURE_HEADER = "HTTP_X_FAKE_SIGNATURE"  # X-Fake-Signature
SUCCEEDED = "payment.succeeded"
FAILED = "payment.failed"


@dataclass
class FakeHostedGateway(FakeGateway):
    """The in-memory fake, named "fake_hosted". Its books live in the process; one that does not
    know a reference (another process, a restart) accepts it as authorised for what is asked:
    the platform's own records (the intent's legs) are the truth in the demo."""

    name: str = NAME

    def _get(self, reference: str) -> _FakeAuthorisation:
        if reference not in self.authorisations:
            self.authorisations[reference] = _FakeAuthorisation(reference, amount=10**12)
        return self.authorisations[reference]


def secret() -> bytes:
    return settings.PAYMENTS_FAKE_WEBHOOK_SECRET.encode()


def sign(body: bytes) -> str:
    return hmac.new(secret(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str) -> bool:
    return bool(signature) and hmac.compare_digest(sign(body), signature)


def signed_event(*, event_id: str, kind: str, reference: str, order: str, amount: int):
    """The body of a notification and its signature, as the provider sends them."""
    body = json.dumps(
        {"id": event_id, "type": kind, "reference": reference, "order": order, "amount": amount},
        sort_keys=True,
    ).encode()
    return body, sign(body)


def install() -> None:
    register_gateway(FakeHostedGateway())
