"""Confirmation of money-moving actions (award, final ranking, approving a batch).

The page shows a summary of what will happen and carries its fingerprint, a hash of the ids
and amounts shown; the action receives it back with an explicit "Ho verificato il riepilogo".
If the data changed in between (another application decided, a payment added) the fingerprint
no longer matches and the action is refused before anything moves: what was confirmed is what
happens, or nothing does.
"""

import hashlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fingerprint(*parts, rows: Iterable = ()) -> str:
    """A short hash of the header values and of every row (tuples of ids and amounts)."""
    digest = hashlib.sha256(repr(parts).encode())
    for row in rows:
        digest.update(b"\n")
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()[:24]


def check_confirmed(expected: str | None, current: str, *, confirmed: bool = True) -> None:
    """Refuse unless the user ticked the confirmation and saw the current summary.
    `expected` None means a caller without a page (a command, a test of another rule)."""
    if expected is None:
        return
    if not confirmed:
        raise ValidationError(
            _("Confermi di aver verificato il riepilogo: nulla è stato eseguito."),
            code="not_confirmed",
        )
    if expected != current:
        raise ValidationError(_("Il riepilogo è cambiato: lo ricontrolli."), code="summary_changed")
