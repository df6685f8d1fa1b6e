"""PostgreSQL only: the till's two statements as PL/pgSQL functions, so that their plans are
prepared once per connection (PL/pgSQL caches the plans of its queries) without client-side
prepared statements, which Django leaves off for the sake of connection poolers.

- `vouchers_till_wallet(key, merchant, wallet)`: everything the till needs in one query
  (the same SELECT as `services/lookup.py` runs on SQLite).
- `vouchers_record_redemption(...)`: the redemption row with the balance left (the same
  INSERT as `services/redeem.py` runs on SQLite).
- `vouchers_redeem(<ledger_transfer()'s 19 arguments>, <the row's>)`: the payment and its
  redemption row in one statement, one commit (`ledger.services.linked.pay_and_record`); on
  a replay (ledger_transfer() returns NULL) it returns no row.

tests/vouchers/test_vouchers_round_trips.py compares the functions with the plain SQL.
"""

from django.db import migrations

POSTGRES_FORWARD = r"""
CREATE OR REPLACE FUNCTION vouchers_till_wallet(p_key text, p_merchant bigint, p_wallet bigint)
RETURNS TABLE (
    id bigint, organization_id bigint, person_id bigint, account_id bigint, title text,
    source_kind text, source_type text, source_id text, fund_id bigint,
    allowed_categories jsonb, territory_network_id bigint, valid_from date, valid_until date,
    nominative boolean, expired_at timestamptz, created_at timestamptz, balance bigint,
    held bigint, allow_negative boolean, account_name text, account_created timestamptz,
    pending bigint, issuer_network_id bigint, first_name text, last_name text,
    territory bigint[], key_taken boolean, shop_id bigint, shop_name text, shop_category text,
    shop_active boolean, shop_municipality_id bigint, shop_network_id bigint,
    shop_account_id bigint, eligible boolean
)
LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT w.id, w.organization_id, w.person_id, w.account_id, w.title::text,
           w.source_kind::text, w.source_type::text, w.source_id::text, w.fund_id,
           w.allowed_categories, w.territory_network_id, w.valid_from, w.valid_until,
           w.nominative, w.expired_at, w.created_at,
           a.balance, a.held, a.allow_negative, a.name::text, a.created_at,
           COALESCE((SELECT SUM(d.amount) FROM ledger_balancedelta d
                     WHERE d.account_id = a.id), 0)::bigint,
           o.network_id, p.first_name::text, p.last_name::text,
           ARRAY(SELECT t.municipality_id FROM ledger_wallet_territory_municipalities t
                 WHERE t.wallet_id = w.id)::bigint[],
           EXISTS (SELECT 1 FROM vouchers_authorisation h
                   WHERE h.merchant_id = mo.id AND h.idempotency_key = p_key),
           mo.id, mo.name::text, mp.category::text, mo.is_active, mp.municipality_id,
           COALESCE(mo.network_id, mm.network_id),
           (SELECT ma.id FROM ledger_account ma
            WHERE ma.organization_id = mo.id AND ma.kind = 'merchant'),
           EXISTS (SELECT 1 FROM vouchers_circuitmembership c
                   WHERE c.merchant_id = mo.id AND c.status = 'approved'
                     AND c.convention_accepted_at IS NOT NULL
                     AND c.organization_id IN (w.organization_id, o.network_id))
    FROM ledger_wallet w
    JOIN ledger_account a ON a.id = w.account_id
    JOIN core_organization o ON o.id = w.organization_id
    JOIN core_person p ON p.id = w.person_id
    LEFT JOIN core_organization mo ON mo.id = p_merchant
    LEFT JOIN core_provider mp ON mp.organization_ptr_id = mo.id
    LEFT JOIN core_organization mm ON mm.id = mp.municipality_id
    WHERE w.id = p_wallet;
END;
$$;

CREATE OR REPLACE FUNCTION vouchers_record_redemption(
    p_merchant bigint, p_issuer bigint, p_wallet bigint, p_transfer bigint, p_amount bigint,
    p_account bigint, p_channel text, p_card bigint, p_device bigint, p_staff bigint,
    p_authorisation bigint, p_created timestamptz
)
RETURNS TABLE (id bigint, balance_after bigint)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    INSERT INTO vouchers_redemption (merchant_id, issuer_id, wallet_id, transfer_id, amount,
        balance_after, channel, card_id, device_id, staff_id, authorisation_id, created_at,
        voided_at, void_transfer_id, voided_by_id, void_reason)
    VALUES (p_merchant, p_issuer, p_wallet, p_transfer, p_amount,
        (SELECT a.balance - a.held + COALESCE((SELECT SUM(d.amount) FROM ledger_balancedelta d
                                               WHERE d.account_id = a.id), 0)
         FROM ledger_account a WHERE a.id = p_account),
        p_channel, p_card, p_device, p_staff, p_authorisation, p_created,
        NULL, NULL, NULL, '')
    ON CONFLICT (transfer_id) DO NOTHING
    RETURNING vouchers_redemption.id, vouchers_redemption.balance_after;
END;
$$;

CREATE OR REPLACE FUNCTION vouchers_redeem(
    p_key text, p_kind text, p_debit bigint, p_credit bigint, p_amount bigint,
    p_object_type text, p_object_id text, p_memo text, p_actor_id bigint, p_actor_role text,
    p_reservation bigint, p_reversal_of bigint, p_now timestamptz, p_debit_negative boolean,
    p_refuse boolean, p_organization bigint, p_person bigint, p_ip inet, p_reason text,
    r_merchant bigint, r_issuer bigint, r_wallet bigint, r_channel text, r_card bigint,
    r_device bigint, r_staff bigint
)
RETURNS TABLE (transfer_id bigint, id bigint, balance_after bigint)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_transfer bigint;
BEGIN
    v_transfer := ledger_transfer(p_key, p_kind, p_debit, p_credit, p_amount, p_object_type,
        p_object_id, p_memo, p_actor_id, p_actor_role, p_reservation, p_reversal_of, p_now,
        p_debit_negative, p_refuse, p_organization, p_person, p_ip, p_reason);
    IF v_transfer IS NULL THEN
        RETURN;  -- a replay: the caller finds the first payment and its row
    END IF;
    RETURN QUERY
    INSERT INTO vouchers_redemption (merchant_id, issuer_id, wallet_id, transfer_id, amount,
        balance_after, channel, card_id, device_id, staff_id, authorisation_id, created_at,
        voided_at, void_transfer_id, voided_by_id, void_reason)
    VALUES (r_merchant, r_issuer, r_wallet, v_transfer, p_amount,
        (SELECT a.balance - a.held + COALESCE((SELECT SUM(d.amount) FROM ledger_balancedelta d
                                               WHERE d.account_id = a.id), 0)
         FROM ledger_account a WHERE a.id = p_debit),
        r_channel, r_card, r_device, r_staff, NULL, p_now, NULL, NULL, NULL, '')
    ON CONFLICT (transfer_id) DO NOTHING
    RETURNING vouchers_redemption.transfer_id, vouchers_redemption.id,
        vouchers_redemption.balance_after;
END;
$$;
"""
POSTGRES_BACKWARD = """
DROP FUNCTION IF EXISTS vouchers_redeem(text, text, bigint, bigint, bigint, text, text, text,
    bigint, text, bigint, bigint, timestamptz, boolean, boolean, bigint, bigint, inet, text,
    bigint, bigint, bigint, text, bigint, bigint, bigint);
DROP FUNCTION IF EXISTS vouchers_till_wallet(text, bigint, bigint);
DROP FUNCTION IF EXISTS vouchers_record_redemption(bigint, bigint, bigint, bigint, bigint,
    bigint, text, bigint, bigint, bigint, bigint, timestamptz);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
