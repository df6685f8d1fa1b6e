"""Applications collected on paper: what the Comune's counter received and when.

A paper application is recorded on the application itself, under `checklist["paper"]` (the
instruction record the reviewer reads): the Comune's paper protocol, the day the form was
received, how consent was given and which of the call's documents were handed in on paper.
No file stands for a paper document: the reviewer's checklist says "consegnato in cartaceo".

The grace: a form received at the counter up to the closing day is filed even when the desk
types it in after the closing time, as long as the call has no ranking yet.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls.models import Application, Call, CallStatus

PAPER_KEY = "paper"
DEFAULT_GRACE_DAYS = 30


def grace_days() -> int:
    return int(getattr(settings, "CALLS_PAPER_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def paper_record(application: Application | None) -> dict | None:
    if application is None:
        return None
    record = (application.checklist or {}).get(PAPER_KEY)
    return record if isinstance(record, dict) else None


def paper_received_on(application: Application | None) -> datetime.date | None:
    record = paper_record(application)
    try:
        return datetime.date.fromisoformat(record["received_on"]) if record else None
    except (KeyError, TypeError, ValueError):
        return None


def paper_documents(application: Application) -> set[str]:
    """Codes of the call's documents handed in on paper with this application."""
    record = paper_record(application) or {}
    return {str(code) for code in record.get("documents") or []}


def paper_window_problem(call: Call, received_on: datetime.date, now=None) -> str | None:
    """Why a form received on `received_on` cannot be filed now (Italian), or None."""
    now = now or timezone.now()
    opens = timezone.localtime(call.opens_at).date()
    closes = timezone.localtime(call.closes_at).date()
    if received_on > timezone.localtime(now).date():
        return _("La data di ricezione non può essere nel futuro.")
    if received_on < opens:
        return _("Il modulo risulta ricevuto prima dell'apertura del bando (%(date)s).") % {
            "date": opens.strftime("%d/%m/%Y")
        }
    if received_on > closes:
        return _(
            "Il modulo risulta ricevuto dopo la chiusura del bando (%(date)s): "
            "non si può accettare."
        ) % {"date": closes.strftime("%d/%m/%Y")}
    return None


def call_window_problem(call: Call, now=None) -> str | None:
    """Why the call takes no paper applications now (Italian), or None."""
    now = now or timezone.now()
    if call.accepts_applications(now):
        return None
    if call.status not in (CallStatus.PUBLISHED, CallStatus.CLOSED) or now < call.opens_at:
        return _("Il bando non accetta domande in questo momento.")
    if now > call.closes_at + datetime.timedelta(days=grace_days()):
        return _(
            "Sono passati più di %(days)s giorni dalla chiusura del bando: le domande cartacee "
            "non si possono più registrare."
        ) % {"days": grace_days()}
    return None


def takes_applications(
    call: Call,
    application: Application | None = None,
    *,
    received_on: datetime.date | None = None,
    now=None,
) -> bool:
    """Open to applications now, or (paper only) within the grace for a form received by the
    closing day. `received_on` when the application does not exist yet."""
    if call.accepts_applications(now):
        return True
    received_on = received_on or paper_received_on(application)
    if received_on is None:
        return False
    return (
        call_window_problem(call, now) is None
        and paper_window_problem(call, received_on, now) is None
    )


def paper_document_text(application: Application) -> str:
    """The reviewer's hint for a document handed in on paper (no file is attached)."""
    record = paper_record(application) or {}
    received = paper_received_on(application)
    return _("Consegnato in cartaceo allo sportello (protocollo %(protocol)s del %(date)s).") % {
        "protocol": record.get("protocol") or "—",
        "date": received.strftime("%d/%m/%Y") if received else "—",
    }
