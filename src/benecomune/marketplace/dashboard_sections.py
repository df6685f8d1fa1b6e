"""Sections other apps add to the provider's dashboard (/gestione/fornitore/), after the
marketplace's own: bookings registers its figures (bookings to confirm, the week's bookings,
orders to deliver) here, so marketplace does not import the apps built on it.

    register_dashboard_section(section)   # section(provider, today) -> dict | None

A section returns {"template": ..., **context} (rendered with the page's context plus these
keys) or None to show nothing. Each must read with an explicit filter on `provider`."""

from collections.abc import Callable

DASHBOARD_SECTIONS: list[Callable] = []


def register_dashboard_section(section: Callable) -> None:
    if section not in DASHBOARD_SECTIONS:
        DASHBOARD_SECTIONS.append(section)


def sections_for(provider, today) -> list[dict]:
    return [s for s in (section(provider, today) for section in DASHBOARD_SECTIONS) if s]
