"""Guards of the marketplace's pages (the services check again: these decide what a page
shows). A provider's pages act on the active role's provider; the network's pages on the
active role's network."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404

from benecomune.core.models import Network, OrganizationKind, Provider
from benecomune.marketplace.services.common import NETWORK_PERMISSION, PROVIDER_PERMISSIONS


def provider_page(view):
    """The active role is staff of a provider (a cooperative's or a shop's): `provider`."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = request.actor
        organization = actor.organization if actor else None
        if (
            organization is None
            or organization.kind != OrganizationKind.PROVIDER
            or not any(actor.has_perm(p) for p in PROVIDER_PERMISSIONS)
        ):
            raise PermissionDenied
        provider = Provider.objects.get(pk=organization.pk)
        return view(request, provider, *args, **kwargs)

    return wrapper


def network_page(view):
    """The active role administers a network (organizations.manage): `network`."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = request.actor
        organization = actor.organization if actor else None
        if (
            organization is None
            or organization.kind != OrganizationKind.NETWORK
            or not actor.has_perm(NETWORK_PERMISSION)
        ):
            raise PermissionDenied
        network = Network.objects.get(pk=organization.pk)
        return view(request, network, *args, **kwargs)

    return wrapper


def public_image(field, content_type: str) -> FileResponse:
    """An image the public may see (the caller decided it), cached briefly, never sniffed."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
