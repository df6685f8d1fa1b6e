"""Who may act on a company's welfare data: the company's HR roles, or the platform admin
of its network. Rows of another company are not found (404), as everywhere."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from benecomune.core.actors import Actor
from benecomune.core.models import Company


def actor_company(actor: Actor) -> Company:
    """The company the actor's active role belongs to; PermissionDenied otherwise."""
    organization = actor.organization
    if organization is None or organization.kind != "company":
        raise PermissionDenied
    return organization.specific


def require_same_company(actor: Actor, company_id: int) -> None:
    """A row of a company outside the actor's tenants is not found."""
    if company_id not in actor.tenant_ids and not actor.system:
        raise Http404
