"""View guards. Services check permissions again: these only decide what a page shows."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def staff_permission(permission: str):
    """The active role must grant `permission` (within its own organisations)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            actor = request.actor
            if actor is None or not actor.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def citizen_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.person_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
