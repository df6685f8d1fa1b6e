"""PostgreSQL only: `vouchers_redeem_at_till()`, a QR redemption by a device in one statement.

The usual path (services/redeem.py) reads the wallet, the shop and its circuit
(`vouchers_till_wallet()`), checks the spending rules in Python, then pays
(`vouchers_redeem()`): two round trips. This function does the common case in one: it reads the
same data, and only when every condition of the usual path is plainly met (the shop is an
active member of the wallet's circuit with a receivable account, the wallet is within its
dates, the shop's category and territory are allowed, the key was not used for an
authorisation) it calls `ledger_transfer()` with the arguments `ledger.services.linked` would
pass and writes the redemption row. Otherwise it writes nothing and answers 'check': the
caller then takes the usual path, whose Python rules decide and explain the refusal. So this
gate only has to be sound (never pass what the rules refuse), not complete; a replay
('replay') also goes the usual way. tests/vouchers/test_vouchers_one_statement.py checks the
gate against `ledger.services.rules.check_spendable` and the circuit rule, case by case.
"""

from django.db import migrations

POSTGRES_FORWARD = r"""
CREATE OR REPLACE FUNCTION vouchers_redeem_at_till(
    p_key text, p_client_key text, p_merchant bigint, p_wallet bigint, p_amount bigint,
    p_today date, p_now timestamptz, p_actor_id bigint, p_actor_role text, p_ip inet,
    r_channel text, r_card bigint, r_device bigint, r_staff bigint
)
RETURNS TABLE (outcome text, transfer_id bigint, id bigint, balance_after bigint,
               issuer_id bigint)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v record;
    v_transfer bigint;
BEGIN
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
    RETURN QUERY
    INSERT INTO vouchers_redemption (merchant_id, issuer_id, wallet_id, transfer_id, amount,
        balance_after, channel, card_id, device_id, staff_id, authorisation_id, created_at,
        voided_at, void_transfer_id, voided_by_id, void_reason)
    VALUES (p_merchant, v.issuer, p_wallet, v_transfer, p_amount,
        (SELECT a.balance - a.held + COALESCE((SELECT SUM(d.amount) FROM ledger_balancedelta d
                                               WHERE d.account_id = a.id), 0)
         FROM ledger_account a WHERE a.id = v.account_id),
        r_channel, r_card, r_device, r_staff, NULL, p_now, NULL, NULL, NULL, '')
    RETURNING 'paid'::text, vouchers_redemption.transfer_id, vouchers_redemption.id,
        vouchers_redemption.balance_after, vouchers_redemption.issuer_id;
END;
$$;
"""
POSTGRES_BACKWARD = """
DROP FUNCTION IF EXISTS vouchers_redeem_at_till(text, text, bigint, bigint, bigint, date,
    timestamptz, bigint, text, inet, text, bigint, bigint, bigint);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0002_till_functions"), ("ledger", "0004_lean_indexes")]
    operations = [migrations.RunPython(forward, backward)]
