-- ledger_transfer(): the current definition (pg_get_functiondef), applied with CREATE OR REPLACE by
-- benecomune.core.sql_files.ApplySqlFiles. Edit here and add a migration that applies it again.
CREATE OR REPLACE FUNCTION ledger_transfer(p_key text, p_kind text, p_debit bigint, p_credit bigint, p_amount bigint, p_object_type text, p_object_id text, p_memo text, p_actor_id bigint, p_actor_role text, p_reservation bigint, p_reversal_of bigint, p_now timestamp with time zone, p_debit_negative boolean, p_refuse boolean, p_organization bigint, p_person bigint, p_ip inet, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
    v_id bigint;
    v_balance bigint;
    v_held bigint;
    v_pending bigint;
BEGIN
    -- 1. claim the key; a replay (or a concurrent one, after waiting for it) gets NULL
    INSERT INTO ledger_transfer (idempotency_key, kind, debit_account_id, credit_account_id,
        amount, object_type, object_id, memo, actor_id, actor_role, reservation_id,
        reversal_of_id, created_at)
    VALUES (p_key, p_kind, p_debit, p_credit, p_amount, p_object_type, p_object_id, p_memo,
        p_actor_id, p_actor_role, p_reservation, p_reversal_of, p_now)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF p_refuse THEN
        RAISE EXCEPTION 'ledger: refused by the spending rules' USING ERRCODE = 'LD003';
    END IF;
    -- 2. debit the payer (external accounts have no floor: appended below, never locked)
    IF NOT p_debit_negative THEN
        IF p_reservation IS NULL THEN
            UPDATE ledger_account SET balance = balance - p_amount
            WHERE id = p_debit AND balance - held >= p_amount;
        ELSE
            UPDATE ledger_account SET balance = balance - p_amount, held = held - p_amount
            WHERE id = p_debit AND balance >= p_amount AND held >= p_amount;
        END IF;
        IF NOT FOUND THEN
            -- slow path: lock, fold the pending deltas, check again
            SELECT balance, held INTO STRICT v_balance, v_held
            FROM ledger_account WHERE id = p_debit FOR UPDATE;
            WITH folded AS (
                DELETE FROM ledger_balancedelta WHERE account_id = p_debit RETURNING amount
            )
            SELECT coalesce(sum(amount), 0) INTO v_pending FROM folded;
            v_balance := v_balance + v_pending;
            IF (p_reservation IS NULL AND v_balance - v_held < p_amount)
                OR (p_reservation IS NOT NULL
                    AND NOT (v_balance >= p_amount AND v_held >= p_amount)) THEN
                RAISE EXCEPTION 'ledger: insufficient balance'
                    USING ERRCODE = 'LD001', DETAIL = greatest(v_balance - v_held, 0)::text;
            END IF;
            UPDATE ledger_account
            SET balance = balance + v_pending - p_amount,
                held = held - CASE WHEN p_reservation IS NULL THEN 0 ELSE p_amount END
            WHERE id = p_debit;
        END IF;
        IF p_reservation IS NOT NULL THEN
            UPDATE ledger_reservation SET consumed = consumed + p_amount
            WHERE id = p_reservation AND account_id = p_debit
                AND amount - consumed - released >= p_amount;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'ledger: reservation exceeded' USING ERRCODE = 'LD002';
            END IF;
        END IF;
    END IF;
    -- 3. both entries, and the credit appended as a delta (the payee is never locked)
    INSERT INTO ledger_entry (transfer_id, account_id, amount, created_at)
    VALUES (v_id, p_debit, -p_amount, p_now), (v_id, p_credit, p_amount, p_now);
    IF p_debit_negative THEN
        INSERT INTO ledger_balancedelta (account_id, amount)
        VALUES (p_debit, -p_amount), (p_credit, p_amount);
    ELSE
        INSERT INTO ledger_balancedelta (account_id, amount) VALUES (p_credit, p_amount);
    END IF;
    -- 4. the audit event, as core.audit.record writes it
    INSERT INTO core_auditevent (created_at, actor_id, actor_role, organization_id, action,
        object_type, object_id, object_repr, person_id, before, after, reason, ip_address)
    VALUES (p_now, p_actor_id, p_actor_role, p_organization, 'ledger.' || p_kind,
        'ledger.transfer', v_id::text, left('#' || v_id || ' ' || p_kind || ' ' || p_amount, 200),
        p_person, NULL,
        jsonb_build_object('debit', p_debit, 'credit', p_credit, 'amount', p_amount,
            'key', p_key,
            'object', CASE WHEN p_object_type <> '' THEN p_object_type || ':' || p_object_id
                ELSE '' END),
        p_reason, p_ip);
    RETURN v_id;
END;
$function$
