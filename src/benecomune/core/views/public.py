"""Public pages: a Comune's (or network's) page, privacy notice, accessibility statement."""

from django.http import Http404
from django.shortcuts import render

from benecomune.core.models import Organization, OrganizationKind
from benecomune.core.models.organizations import RESERVED_SLUGS

# Apps add sections to a Comune's public page: callables (request, organization) -> dict
# with "title", "template" and context, rendered in order.
PUBLIC_SECTIONS: list = []


def public_organization(slug: str, request=None) -> Organization:
    """The active Comune or network whose public pages live under `slug`, or a 404 (any other
    kind of organisation, an inactive one, a path of the platform's own). With the `request`,
    the row the tenant middleware already read for that slug is used again (one query less,
    and the page's header reads the same instance)."""
    if slug in RESERVED_SLUGS:
        raise Http404
    tenant = getattr(request, "tenant", None)
    if (
        tenant is not None
        and tenant.slug == slug
        and tenant.is_active
        and tenant.kind in (OrganizationKind.NETWORK, OrganizationKind.MUNICIPALITY)
    ):
        return tenant
    org = Organization.objects.filter(
        slug=slug,
        is_active=True,
        kind__in=[OrganizationKind.NETWORK, OrganizationKind.MUNICIPALITY],
    ).first()
    if org is None:
        raise Http404
    return org


def organization_home(request, slug):
    org = public_organization(slug)
    specific = org.specific
    municipalities = []
    if org.kind == OrganizationKind.NETWORK:
        municipalities = list(
            Organization.objects.filter(
                network=org, kind=OrganizationKind.MUNICIPALITY, is_active=True
            ).order_by("name")
        )
    sections = [section(request, org) for section in PUBLIC_SECTIONS]
    return render(
        request,
        "core/public/organization_home.html",
        {
            "organization": specific,
            "municipalities": municipalities,
            "sections": [s for s in sections if s],
        },
    )


def privacy(request):
    return render(request, "core/public/privacy.html")


def accessibility(request):
    return render(request, "core/public/accessibility.html")
