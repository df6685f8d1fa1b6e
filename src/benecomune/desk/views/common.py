"""Guards of the desk pages: the Point operators' pages and the Points' admin pages, and the
delegation a Point's operator needs to act for a case's person."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from benecomune.core import on_behalf
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


def delegation_or_message(request, person, scope: str, missing: str) -> str | None:
    """The text of the person's valid delegation covering `scope`; else None, with the reason
    in `messages` (a delegation out of scope, expired or revoked is audited) or `missing`."""
    try:
        basis = on_behalf.delegation_basis(request.actor, person, scope)
    except on_behalf.OnBehalfRefused as refusal:
        on_behalf.record_refusal(request.actor, refusal, scope)
        messages.error(request, " ".join(refusal.messages))
        return None
    if not basis:
        messages.error(request, missing)
    return basis or None


def person_case_or_404(request, pk):
    """One of the operator's own cases that names a person (an anonymous contact has no
    wallets, applications or claims to act on): else 404, the attempt audited."""
    from django.http import Http404

    from benecomune.desk import access

    case = access.case_or_404(
        request.actor, pk, queryset=access.own_cases(request.actor).select_related("person")
    )
    if case.person is None:
        raise Http404
    return case


def citizen_actor(request):
    """The citizen acting for themselves (a staff member using their own personal area)."""
    actor = request.actor
    if actor.membership is not None:
        from benecomune.core.actors import Actor

        actor = Actor(user=request.user, ip_address=actor.ip_address)
    return actor
