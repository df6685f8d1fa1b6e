"""The vouchers app's write paths and reads. Import the functions from their modules:

- circuit: circuit_for, joinable_organizations, request_membership, approve, reject, suspend,
  reinstate, accept_convention, active_memberships, merchant_iban
- staff: invite_staff, remove_staff, register_merchant (self-service sign-up of a new shop)
- codes: make_qr_token, read_qr_token, current_typed_code, classify
- cards: issue_card (also reissue), block_card, verify_pin
- redeem: identify, refusal, redeem (one step)
- authorisations: authorise, capture, void_authorisation, void_redemption, release_expired
- lookup: merchant_context (cached), load_wallet (one query)
- reports: spending_by_merchant, spending_by_category, local_share, unspent
- where: shops_where_valid (wallet, call or organisation: one list for every page)
- takings: receipt_numbers (derived, per shop, no gaps), receipts_for_transfers, sales,
  day_totals, balance_after_void
"""
