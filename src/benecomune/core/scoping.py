"""Tenant scoping that fails closed.

Tenant-owned models use `ScopedManager(tenant=...)`: a query made outside `tenant_scope(...)`
raises ScopeError instead of returning every Comune's rows. Requests get their scope from
TenantScopeMiddleware; tasks and commands open it explicitly.
"""

import functools
import operator
from collections.abc import Iterable
from contextlib import contextmanager

from django.db.models import Q
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

__all__ = [
    "ScopeError",
    "all_tenants",
    "current_tenant_ids",
    "scopes_disabled",
    "tenant_scope",
    "visible_to",
]


@contextmanager
def tenant_scope(organizations: Iterable):
    """Open a scope over the given organisations (objects or ids)."""
    ids = sorted({getattr(org, "pk", org) for org in organizations})
    with scope(tenant=ids):
        yield ids


@contextmanager
def all_tenants():
    """Every tenant at once: platform-wide reports and maintenance commands only."""
    with scopes_disabled():
        yield


def current_tenant_ids() -> list[int] | None:
    from django_scopes import get_scope

    value = get_scope().get("tenant")
    return list(value) if value is not None else None


def visible_to(queryset, actor, tenant_fields: Iterable[str], person_fields: Iterable[str] = ()):
    """The rows of a record more than one party reads (a redemption: the shop and the issuing
    Comune) that `actor` may read: those whose `tenant_fields` hold one of the actor's tenants,
    or, for the person the record is about, whose `person_fields` hold the actor's person.
    `queryset` is unscoped: this filter is the scope. A system actor reads everything."""
    if actor.system:
        return queryset
    conditions = [Q(**{f"{name}__in": actor.tenant_ids}) for name in tenant_fields]
    person_id = getattr(actor.user, "person_id", None)
    if person_id is not None:
        conditions += [Q(**{name: person_id}) for name in person_fields]
    if not conditions or not (actor.tenant_ids or person_id is not None):
        return queryset.none()
    return queryset.filter(functools.reduce(operator.or_, conditions))
