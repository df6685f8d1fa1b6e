"""The payouts app's write paths. Import the functions from their modules:

- accounts: payer_setup, settlement_period_for, update_settings
- payees: set_payee_account, payee_account_for
- debit_notes: redemptions, unsettled_payments, build_debit_notes, issue_debit_note,
  approve_debit_note, reject_debit_note, issue_due_debit_notes
- orders: create_order, correct_order, refresh_person_orders
- batches: prepare_batch, start_generation, generate_batch, approve_batch, withdraw_batch
- results: plan_results, import_results, apply_results (pain.002 or CSV)
- claims: set_policy, submit_claim, accept_claim, reject_claim, request_claim_clarification,
  answer_clarification, award_usage
- figures: call_figures, fund_figures, organization_overview (rendicontazione)
- reports: start_report, start_archive
"""
