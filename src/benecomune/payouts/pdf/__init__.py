"""PDF documents of the payouts app (reportlab): debit notes and reports."""
