"""Who may act on an application, and the locks every change to one takes.

The applicant acts in the citizen role; a desk operator of the applicant's Comune
(`desk.assist` + `applications.instruct`) acts on the citizen's behalf once the citizen's
consent to be assisted is recorded, and every assisted action's audit event says for whom.
"""

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import Application
from benecomune.core import on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import Person
from benecomune.core.on_behalf import is_assisting
from benecomune.core.on_behalf import on_behalf_reason as core_on_behalf_reason


def is_comune_desk(actor: Actor, organization_id: int) -> bool:
    return actor.has_perm("desk.assist", organization_id) and actor.has_perm(
        "applications.instruct", organization_id
    )


def _check_assistant(actor: Actor, applicant: Person, organization_id: int) -> str:
    """The applicant's Comune desk (""), or another operator (a Welfare Point's) holding a
    valid delegation to apply for the applicant: its text. Refuses anyone else; a delegation
    expired, revoked or out of scope refuses with its reason (OnBehalfRefused)."""
    if actor.user is not None and actor.user.person_id == applicant.pk:
        raise CallError(
            _("Per una domanda a suo nome usi la sua area personale, non il ruolo di sportello.")
        )
    if is_comune_desk(actor, organization_id):
        return ""
    basis = on_behalf.delegation_basis(actor, applicant, on_behalf.APPLY)
    if not basis:
        actor.require("desk.assist", organization_id)  # raises PermissionDenied
    return basis


def authorize(actor: Actor, application: Application) -> None:
    """The applicant (citizen role), or the desk of the applicant's Comune with consent."""
    if actor.system:
        return
    if not is_assisting(actor):
        if actor.user is None or actor.user.person_id != application.applicant_id:
            raise PermissionDenied(_("Non ha i permessi per questa operazione."))
        return
    _check_assistant(actor, application.applicant, application.organization_id)
    if application.consent_at is None:
        raise CallError(
            _("Registri prima il consenso del cittadino a compilare la domanda per suo conto.")
        )


def on_behalf_reason(actor: Actor, application: Application) -> str:
    return core_on_behalf_reason(actor, application.applicant)


def application_link(application: Application) -> str:
    try:
        return reverse("calls:my_application", kwargs={"pk": application.pk})
    except NoReverseMatch:
        return ""


def lock_call_for_applications(call_id: int) -> None:
    """Hold the call still (no close, no new version) while an application changes, without
    serialising applications among themselves: PostgreSQL's KEY SHARE lock conflicts with the
    FOR UPDATE of close/publish but not with other KEY SHARE holders nor with the counter's
    update. SQLite's IMMEDIATE transactions already serialise writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM calls_call WHERE id = %s FOR KEY SHARE", [call_id])


def locked_application(application: Application) -> Application:
    """Lock the call (shared) then the application, in that order everywhere."""
    call_id = application.call_id
    for _attempt in range(3):
        lock_call_for_applications(call_id)
        locked = (
            Application.objects_unscoped.select_for_update(of=("self",))
            .select_related("call", "applicant", "organization")
            .get(pk=application.pk)
        )
        if locked.call_id == call_id:
            return locked
        call_id = locked.call_id  # moved to a new version of the call meanwhile
    raise CallError(_("Il bando è stato aggiornato in questo momento: riprovi."))
