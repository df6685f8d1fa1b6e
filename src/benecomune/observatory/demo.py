"""Demo data of the observatory: the rollups counted from the demo's ledger.

The observatory is the last app seeded (INSTALLED_APPS order), so every demo payment, award
and expiry is in the ledger by now; the dashboards and open data open on real figures."""


def seed(actor, network, rng):
    from benecomune.observatory.services import upkeep

    upkeep.run()
    return []
