"""Checkout: one payment intent per purchase, paid from the buyer's wallets and own money."""
