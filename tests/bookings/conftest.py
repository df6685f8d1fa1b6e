"""Fixtures of the bookings' tests: the marketplace's providers and the agenda's own."""

from tests.bookings.agenda_fixtures import coop  # noqa: F401
from tests.marketplace.conftest import (  # noqa: F401
    _clear_cache,
    accredited,
    admins,
    checklist,
    make_provider,
)
