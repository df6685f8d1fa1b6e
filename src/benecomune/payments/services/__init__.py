"""Checkout use cases. Import the functions from their modules:

- planning: LegSpec, wallet_leg, gateway_leg, plan_legs, spendable_wallets
- intents: create_intent (re-exported by checkout)
- checkout: authorise, capture, void
- single_wallet: one-wallet intents for clients that keep a hold (the voucher till)
- refunds: refund
- own_money: own_money_wallet (the pass-through wallet of a buyer's own money)
"""
