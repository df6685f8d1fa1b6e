-- vouchers_redeem(): the current definition (pg_get_functiondef), applied with CREATE OR REPLACE by
-- benecomune.core.sql_files.ApplySqlFiles. Edit here and add a migration that applies it again.
CREATE OR REPLACE FUNCTION vouchers_redeem(p_key text, p_kind text, p_debit bigint, p_credit bigint, p_amount bigint, p_object_type text, p_object_id text, p_memo text, p_actor_id bigint, p_actor_role text, p_reservation bigint, p_reversal_of bigint, p_now timestamp with time zone, p_debit_negative boolean, p_refuse boolean, p_organization bigint, p_person bigint, p_ip inet, p_reason text, r_merchant bigint, r_issuer bigint, r_wallet bigint, r_channel text, r_card bigint, r_device bigint, r_staff bigint)
 RETURNS TABLE(transfer_id bigint, id bigint, balance_after bigint)
 LANGUAGE plpgsql
 SET enable_seqscan TO 'off'
AS $function$
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
$function$
