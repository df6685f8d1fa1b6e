-- vouchers_till_wallet(): the current definition (pg_get_functiondef), applied with CREATE OR REPLACE by
-- benecomune.core.sql_files.ApplySqlFiles. Edit here and add a migration that applies it again.
CREATE OR REPLACE FUNCTION vouchers_till_wallet(p_key text, p_merchant bigint, p_wallet bigint)
 RETURNS TABLE(id bigint, organization_id bigint, person_id bigint, account_id bigint, title text, source_kind text, source_type text, source_id text, fund_id bigint, allowed_categories jsonb, territory_network_id bigint, valid_from date, valid_until date, nominative boolean, expired_at timestamp with time zone, created_at timestamp with time zone, balance bigint, held bigint, allow_negative boolean, account_name text, account_created timestamp with time zone, pending bigint, issuer_network_id bigint, first_name text, last_name text, territory bigint[], key_taken boolean, shop_id bigint, shop_name text, shop_category text, shop_active boolean, shop_municipality_id bigint, shop_network_id bigint, shop_account_id bigint, eligible boolean)
 LANGUAGE plpgsql
 STABLE
 SET enable_seqscan TO 'off'
AS $function$
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
$function$
