-- vouchers_redeem_at_till(): the current definition (pg_get_functiondef), applied with CREATE OR REPLACE by
-- benecomune.core.sql_files.ApplySqlFiles. Edit here and add a migration that applies it again.
CREATE OR REPLACE FUNCTION vouchers_redeem_at_till(p_key text, p_client_key text, p_merchant bigint, p_wallet bigint, p_amount bigint, p_today date, p_now timestamp with time zone, p_actor_id bigint, p_actor_role text, p_ip inet, r_channel text, r_card bigint, r_device bigint, r_staff bigint, p_token bigint)
 RETURNS TABLE(outcome text, transfer_id bigint, id bigint, balance_after bigint, issuer_id bigint)
 LANGUAGE plpgsql
 SET enable_seqscan TO 'off'
AS $function$
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
            AND w.source_kind <> 'company_plan'
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
$function$
