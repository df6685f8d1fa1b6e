"""Tenant scoping that fails closed.

Tenant-owned models use `ScopedManager(tenant=...)`: a query made outside `tenant_scope(...)`
raises ScopeError instead of returning every Comune's rows. Requests get their scope from
TenantScopeMiddleware; tasks and commands open it explicitly.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

__all__ = ["ScopeError", "all_tenants", "current_tenant_ids", "scopes_disabled", "tenant_scope"]


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
