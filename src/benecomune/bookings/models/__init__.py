"""Agenda, slots, bookings, waiting lists, and orders paid by payment intents."""

from .orders import *  # noqa: F403
