"""Pages of the vouchers app: citizen (area-personale/buoni), till and shop (gestione/cassa,
gestione/esercente), Comune (gestione/circuito), desk (gestione/buoni), self-service sign-up
of a new shop (esercente/aderisci)."""
