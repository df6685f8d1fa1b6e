"""Guards of the desk pages: the Point operators' pages and the Points' admin pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from benecomune.desk.access import is_operator_role, my_points
from benecomune.desk.services.points import can_manage


def operator_page(view):
    """An operator of at least one active Point, in a desk role; the page gets their Points."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = request.actor
        if not is_operator_role(actor) or not actor.has_perm("desk.cases"):
            raise PermissionDenied
        return view(request, list(my_points(actor).order_by("name")), *args, **kwargs)

    return wrapper


def points_admin_page(view):
    """The admin of an organisation that may own Points; the page gets the organisation."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = request.actor
        organization = actor.organization if actor else None
        if organization is None or not can_manage(actor, organization):
            raise PermissionDenied
        return view(request, organization, *args, **kwargs)

    return wrapper
