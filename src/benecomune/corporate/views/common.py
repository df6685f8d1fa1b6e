"""The guard of every HR page: the active role is one of the company's HR roles with the
permission; the page gets the company. Rows are then looked up within that company only, so
another company's are not found (404)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def company_page(permission: str = "company.view"):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            actor = request.actor
            organization = actor.organization if actor else None
            if organization is None or organization.kind != "company":
                raise PermissionDenied
            if not actor.has_perm(permission, organization):
                raise PermissionDenied
            return view(request, organization.specific, *args, **kwargs)

        return wrapper

    return decorator


def company_row(model, company, **lookup):
    """One row of `model` (or of a queryset of it) belonging to `company`; 404 for anyone
    else's."""
    rows = getattr(model, "objects", model)  # scoped: the request's tenant is the company
    return get_object_or_404(rows, company=company, **lookup)


def base_url(request) -> str:
    return request.build_absolute_uri("/")
