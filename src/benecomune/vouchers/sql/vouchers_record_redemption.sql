-- vouchers_record_redemption(): the current definition (pg_get_functiondef), applied with CREATE OR REPLACE by
-- benecomune.core.sql_files.ApplySqlFiles. Edit here and add a migration that applies it again.
CREATE OR REPLACE FUNCTION vouchers_record_redemption(p_merchant bigint, p_issuer bigint, p_wallet bigint, p_transfer bigint, p_amount bigint, p_account bigint, p_channel text, p_card bigint, p_device bigint, p_staff bigint, p_authorisation bigint, p_created timestamp with time zone)
 RETURNS TABLE(id bigint, balance_after bigint)
 LANGUAGE plpgsql
 SET enable_seqscan TO 'off'
AS $function$
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
$function$
