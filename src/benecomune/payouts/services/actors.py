"""The actor a background job acts as: the person who started it, in the role they had."""

from benecomune.core.actors import Actor
from benecomune.core.models import Membership


def actor_from_params(params: dict, label: str) -> Actor:
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(pk=params.get("membership_id"), is_active=True)
        .first()
    )
    if membership is not None:
        return Actor.for_membership(membership)
    return Actor.system_actor(label)


def job_params(actor: Actor, **params) -> dict:
    if actor.membership is not None:
        params["membership_id"] = actor.membership.pk
    return params
