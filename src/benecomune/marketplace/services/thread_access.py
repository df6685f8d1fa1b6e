"""Who acts in a thread, and how often: the side an actor writes on (the citizen, the desk for
the citizen, the provider's staff), and the rate limit.

The limit counts in core's shared counters (`core.shared_counters`: the database, or Redis
with `SHARED_COUNTERS_STORE=cache`), so every gunicorn worker sees one count per user: a
per-process memory would let each worker allow its own quota.
"""

import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from benecomune.core import shared_counters
from benecomune.core.actors import Actor
from benecomune.core.models import OrganizationKind
from benecomune.marketplace.models import Side, Thread
from benecomune.marketplace.services.common import PROVIDER_PERMISSIONS

DESK_PERMISSION = "desk.assist"


def is_provider_staff_of(actor: Actor, provider_id: int) -> bool:
    """Staff of this very provider in the active role (a network's administrator, whose
    tenants include the network's providers, is not)."""
    membership = actor.membership
    return (
        membership is not None
        and membership.organization_id == provider_id
        and actor.organization.kind == OrganizationKind.PROVIDER
        and any(actor.has_perm(p, provider_id) for p in PROVIDER_PERMISSIONS)
    )


def is_desk_for(actor: Actor, person) -> bool:
    """A Comune's desk (desk.assist) where the citizen lives: it acts for them."""
    organization = actor.organization
    return (
        actor.membership is not None
        and organization is not None
        and organization.kind == OrganizationKind.MUNICIPALITY
        and actor.has_perm(DESK_PERMISSION, person.residence_id)
    )


def is_citizen(actor: Actor, person_id: int) -> bool:
    return (
        actor.membership is None
        and not actor.system
        and actor.user is not None
        and actor.user.person_id == person_id
    )


def acting_side(actor: Actor, thread: Thread) -> tuple[str, bool]:
    """(side, on behalf): the side the actor writes on; PermissionDenied for anyone else."""
    if is_citizen(actor, thread.person_id):
        return Side.CITIZEN, False
    if is_provider_staff_of(actor, thread.provider_id):
        return Side.PROVIDER, False
    if is_desk_for(actor, thread.person):
        return Side.CITIZEN, True
    raise PermissionDenied(_("Non ha i permessi per questa operazione."))


# --- Rate limit ---------------------------------------------------------------------------


def counter_key(kind: str, actor: Actor, person_id: int, window: int, now: float | None = None):
    """One counter per user and fixed window (the window's number is in the key, so a count
    never outlives its hour or minute). A desk operator counts per citizen served."""
    bucket = int((now if now is not None else time.time()) // window)
    who = f"u{actor.user.pk}" + (f"p{person_id}" if actor.membership is not None else "")
    return f"marketplace.{kind}:{who}:{bucket}"


def hit_rate_limit(kind: str, actor: Actor, person_id: int) -> None:
    """Count one new thread (`kind="thread"`) or message; ValidationError (Italian) past the
    limit. Called in the service's transaction, after its checks: with the database store a
    refused or failed action gives its count back with the rollback."""
    if kind == "thread":
        limit, window = settings.MARKETPLACE_THREADS_PER_HOUR, 3600
        message = _(
            "Si possono iniziare al massimo %(n)s conversazioni all'ora: riprovi più tardi."
        )
    else:
        limit, window = settings.MARKETPLACE_MESSAGES_PER_MINUTE, 60
        message = _("Si possono inviare al massimo %(n)s messaggi al minuto: attenda e riprovi.")
    count = shared_counters.store().hit(counter_key(kind, actor, person_id, window), limit, window)
    if count > limit:
        raise ValidationError(message % {"n": limit})
