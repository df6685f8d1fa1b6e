"""Agenda, slots, bookings, waiting lists, and orders paid by payment intents."""

from .agenda import (  # noqa: F401
    AgendaException,
    BlockedPeriod,
    Resource,
    ResourceKind,
    Series,
    SeriesStatus,
    ServiceSchedule,
    WorkingHours,
)
from .bookings import *  # noqa: F403
from .calendar import *  # noqa: F403
from .orders import *  # noqa: F403
from .waitlist import *  # noqa: F403
