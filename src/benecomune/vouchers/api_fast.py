"""The POS API's one-step redeem of a QR code on the fast path (benecomune.api.fast_path).

`POST /api/v1/pos/redeem` with `{"code": "BC1.…", "amount": <cents>}`, a shop's device token
and an Idempotency-Key: the tills' everyday call. It runs the checks `vouchers.api` and
`services.redeem.redeem` run, through the same functions and in the same order, then
`one_statement.pay_at_till`, and answers 201 with `redemption_out`. Anything else (a typed code,
a card and its PIN, another body, a token that is not a shop's, any refusal, a replay, SQLite)
returns None: the full API answers, with its error codes and Italian messages.

A token in this process's cache is used without reading the shared revocation version (a round
trip): `one_statement.pay_at_till` has the payment's
own statement check the token's row, and answers
TOKEN_CHANGED, having written nothing, when it was revoked or deleted meanwhile (by any
process). The token is then dropped from the cache and the full API answers: it reads the token
again and refuses a revoked one (401). So the payment stays one round trip and a revocation
still takes effect at the next call on every worker.
"""

import json

import psycopg
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from benecomune.core.services.tokens import authenticate_token, cached_token, forget_token
from benecomune.vouchers.api import device_actor, redemption_out
from benecomune.vouchers.services import codes, one_statement
from benecomune.vouchers.services.lookup import merchant_context
from benecomune.vouchers.services.redeem import check_amount, transfer_key

PATH = "/api/v1/pos/redeem"
_FIELDS = {"code", "amount"}


def redeem(environ: dict, body: bytes) -> tuple[int, dict] | None:
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if authorization[:7].lower() != "bearer ":
        return None
    try:
        data = json.loads(body)
        if type(data) is not dict or data.keys() != _FIELDS:
            return None
        code = data["code"]
        if type(code) is not str or not 1 <= len(code) <= 120:
            return None
        clear = authorization[7:].strip()
        token = cached_token(clear)
        # To be checked by the payment's statement, unless just read (and checked) here.
        unchecked = token is not None
        if token is None:
            token = authenticate_token(clear)
        if token is None or token.organization.kind != "provider":
            return None
        ctx = merchant_context(token.organization_id)
        key = transfer_key(ctx, environ.get("HTTP_IDEMPOTENCY_KEY"))
        amount = check_amount(data["amount"])
        read = codes.classify(code)
        actor = device_actor(token, environ.get("REMOTE_ADDR"))
        if read.kind != "qr" or not one_statement.applies(actor):
            return None
        redemption = one_statement.pay_at_till(
            actor,
            ctx,
            wallet_id=codes.read_qr_token(read.value),
            amount=amount,
            key=key,
            client_key=environ["HTTP_IDEMPOTENCY_KEY"],
            device_id=token.pk,
            cached_token_id=token.pk if unchecked else None,
        )
    except (ValueError, ValidationError, DatabaseError, psycopg.Error):
        # Bad JSON, a refusal (the ledger's or the voucher rules'), a lost connection: nothing
        # was written, and the full API answers.
        return None
    if redemption == one_statement.TOKEN_CHANGED:
        forget_token(clear)
        return None
    if redemption is None:
        return None
    return 201, redemption_out(redemption)


ROUTES = {("POST", PATH): redeem}
