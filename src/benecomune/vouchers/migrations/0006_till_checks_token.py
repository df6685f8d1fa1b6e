"""PostgreSQL: `vouchers_redeem_at_till()` also checks the device token and writes the notice.

The POS API's fast path takes the device token from its process cache without a round trip
(core/services/tokens.py `cached_token`) and passes its id: the function first checks that the
token is still there, not revoked and the shop's; otherwise it writes nothing and answers
'token', and the caller forgets the cached token and goes the usual way (which reads the token
again, and refuses a revoked one). So a revocation made by any process is effective at the next
payment on every worker, and the payment stays one statement.

A payment also writes its notice to the citizen into the outbox `vouchers_tillnotice`, in the
same statement: nothing to publish after the commit; Celery beat's `vouchers.send_till_notices`
sends it (services/notices.py).

The rest is migration 0003's function, unchanged; planned with `enable_seqscan = off` (0004).
"""

import importlib

from django.db import migrations, models

v0003 = importlib.import_module("benecomune.vouchers.migrations.0003_redeem_at_till")

POSTGRES_FORWARD = r"""
DROP FUNCTION IF EXISTS vouchers_redeem_at_till(text, text, bigint, bigint, bigint, date,
    timestamptz, bigint, text, inet, text, bigint, bigint, bigint);
CREATE FUNCTION vouchers_redeem_at_till(
    p_key text, p_client_key text, p_merchant bigint, p_wallet bigint, p_amount bigint,
    p_today date, p_now timestamptz, p_actor_id bigint, p_actor_role text, p_ip inet,
    r_channel text, r_card bigint, r_device bigint, r_staff bigint, p_token bigint
)
RETURNS TABLE (outcome text, transfer_id bigint, id bigint, balance_after bigint,
               issuer_id bigint)
LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
#variable_conflict use_column
DECLARE
    v record;
    v_transfer bigint;
    v_id bigint;
    v_balance bigint;
BEGIN
    -- The caller's cached token (NULL: the caller has just read it).
    IF p_token IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM core_apitoken t
        WHERE t.id = p_token AND t.revoked_at IS NULL AND t.organization_id = p_merchant
    ) THEN
        RETURN QUERY SELECT 'token'::text, NULL::bigint, NULL::bigint, NULL::bigint,
            NULL::bigint;
        RETURN;
    END IF;
    SELECT w.organization_id AS issuer, w.person_id, w.account_id, mo.name::text AS shop_name,
           (SELECT ma.id FROM ledger_account ma
            WHERE ma.organization_id = mo.id AND ma.kind = 'merchant') AS shop_account,
           (NOT a.allow_negative
            AND mp.category IS NOT NULL AND mo.is_active
            AND w.expired_at IS NULL
            AND (w.valid_until IS NULL OR p_today <= w.valid_until)
            AND (w.valid_from IS NULL OR p_today >= w.valid_from)
            AND (w.allowed_categories IS NULL OR w.allowed_categories = '[]'::jsonb
                 OR (jsonb_typeof(w.allowed_categories) = 'array'
                     AND w.allowed_categories ? mp.category))
            AND (EXISTS (SELECT 1 FROM ledger_wallet_territory_municipalities t
                         WHERE t.wallet_id = w.id AND t.municipality_id = mp.municipality_id)
                 OR (NOT EXISTS (SELECT 1 FROM ledger_wallet_territory_municipalities t
                                 WHERE t.wallet_id = w.id)
                     AND (w.territory_network_id IS NULL
                          OR COALESCE(mo.network_id, mm.network_id)
                             = w.territory_network_id)))
            AND NOT EXISTS (SELECT 1 FROM vouchers_authorisation h
                            WHERE h.merchant_id = mo.id AND h.idempotency_key = p_client_key)
            AND EXISTS (SELECT 1 FROM vouchers_circuitmembership c
                        WHERE c.merchant_id = mo.id AND c.status = 'approved'
                          AND c.convention_accepted_at IS NOT NULL
                          AND c.organization_id IN (w.organization_id, o.network_id))
           ) AS clear
    INTO v
    FROM ledger_wallet w
    JOIN ledger_account a ON a.id = w.account_id
    JOIN core_organization o ON o.id = w.organization_id
    LEFT JOIN core_organization mo ON mo.id = p_merchant
    LEFT JOIN core_provider mp ON mp.organization_ptr_id = mo.id
    LEFT JOIN core_organization mm ON mm.id = mp.municipality_id
    WHERE w.id = p_wallet;
    IF NOT FOUND OR v.clear IS NOT TRUE OR v.shop_account IS NULL THEN
        RETURN QUERY SELECT 'check'::text, NULL::bigint, NULL::bigint, NULL::bigint,
            NULL::bigint;
        RETURN;
    END IF;
    v_transfer := ledger_transfer(p_key, 'payment', v.account_id, v.shop_account, p_amount,
        '', '', left(v.shop_name, 200), p_actor_id, p_actor_role, NULL, NULL, p_now, false,
        false, v.issuer, v.person_id, p_ip, v.shop_name);
    IF v_transfer IS NULL THEN
        RETURN QUERY SELECT 'replay'::text, NULL::bigint, NULL::bigint, NULL::bigint,
            NULL::bigint;
        RETURN;
    END IF;
    INSERT INTO vouchers_redemption (merchant_id, issuer_id, wallet_id, transfer_id, amount,
        balance_after, channel, card_id, device_id, staff_id, authorisation_id, created_at,
        voided_at, void_transfer_id, voided_by_id, void_reason)
    VALUES (p_merchant, v.issuer, p_wallet, v_transfer, p_amount,
        (SELECT a.balance - a.held + COALESCE((SELECT SUM(d.amount) FROM ledger_balancedelta d
                                               WHERE d.account_id = a.id), 0)
         FROM ledger_account a WHERE a.id = v.account_id),
        r_channel, r_card, r_device, r_staff, NULL, p_now, NULL, NULL, NULL, '')
    RETURNING vouchers_redemption.id, vouchers_redemption.balance_after
    INTO v_id, v_balance;
    -- The citizen's notice, sent by Celery beat's drain (services/notices.py).
    INSERT INTO vouchers_tillnotice (kind, object_id, created_at)
    VALUES ('payment', v_id, p_now);
    RETURN QUERY SELECT 'paid'::text, v_transfer, v_id, v_balance, v.issuer;
END;
$$;
"""
POSTGRES_BACKWARD = (
    """
DROP FUNCTION IF EXISTS vouchers_redeem_at_till(text, text, bigint, bigint, bigint, date,
    timestamptz, bigint, text, inet, text, bigint, bigint, bigint, bigint);
"""
    + v0003.POSTGRES_FORWARD
    + "ALTER FUNCTION vouchers_redeem_at_till SET enable_seqscan = off;"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0005_single_use_codes")]

    operations = [
        migrations.CreateModel(
            name="TillNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=10)),
                ("object_id", models.BigIntegerField()),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "avviso di cassa da inviare",
                "verbose_name_plural": "avvisi di cassa da inviare",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
