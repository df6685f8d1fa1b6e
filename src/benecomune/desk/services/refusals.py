"""Refused attempts are audited: a service wrapped here runs in its own transaction, and when
it refuses (bad input, another Point's case, no permission) the refusal is recorded after
the rollback, so the attempt is traced and nothing else is written."""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from benecomune.desk.access import record_refusal


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)[:500]
    return str(exc)[:500]


def audited_refusal(action: str):
    def decorator(service):
        @functools.wraps(service)
        def wrapper(actor, *args, **kwargs):
            try:
                with transaction.atomic():
                    return service(actor, *args, **kwargs)
            except (ValidationError, PermissionDenied) as exc:
                record_refusal(
                    actor, action, reason=_message(exc), after={"service": service.__name__}
                )
                raise

        return wrapper

    return decorator
