"""The ledger's write paths and reports. Import the functions from their modules:

- transfers: transfer, reverse, settle
- refunds: refund, refundable, refunded (part or all of a payment or top-up given back)
- funds: create_fund, contributor_account, add_contribution, reserve, release, award,
  fund_summary
- wallets: open_wallet, merchant_account, check_spendable, pay_from_wallet, top_up, expire_wallets,
  rules_text
- statements: balance, available, statement, write_statement_csv
- invariants: check_invariants
"""
