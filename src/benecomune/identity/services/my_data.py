"""Use cases of "I miei dati": the person asks for the export of their data."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Job, JobStatus, Person
from benecomune.core.services.jobs import start_job
from benecomune.identity.my_data_export import KIND


def require_citizen(actor: Actor) -> int:
    """The person acting for themselves (the citizen role): their person id."""
    if actor.user is None or actor.membership is not None or actor.user.person_id is None:
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
    return actor.user.person_id


@transaction.atomic
def request_export(actor: Actor) -> Job:
    """Start the export of the person's data (a ZIP of JSON and a PDF), or return the one
    still running. The job acts as the platform; the audit names the person who asked."""
    person_id = require_citizen(actor)
    person = Person.objects_unscoped.select_related("residence").get(pk=person_id)
    running = Job.objects_unscoped.filter(
        kind=KIND,
        params__person_id=person_id,
        status__in=[JobStatus.PENDING, JobStatus.RUNNING],
    ).first()
    if running is not None:
        return running
    job = start_job(
        Actor.system_actor(KIND),
        person.residence,
        KIND,
        _("Esportazione dei dati personali"),
        {"person_id": person_id, "user_id": actor.user.pk},
    )
    audit.record(
        actor, "identity.my_data_export", job, organization=person.residence_id, person=person
    )
    return job


def latest_export(person_id: int) -> Job | None:
    return (
        Job.objects_unscoped.filter(kind=KIND, params__person_id=person_id)
        .order_by("-created_at", "-pk")
        .first()
    )
