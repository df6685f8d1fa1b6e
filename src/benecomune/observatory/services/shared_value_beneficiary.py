"""Who a social project's money goes to: the beneficiary body and its IBAN, changed by the
Comune or network that owns the project (funds.manage), in one transaction with its audit event.

A disbursement (shared_value_routing.disburse) copies the IBAN into a payout order. While an
order of the project is waiting for a batch or in one (ready, in batch), the money is on its
way to the IBAN it carries: the change is refused until the bank's outcome. An order the bank
rejected takes the new body and IBAN and becomes payable again (the same move the payouts app
makes when a merchant corrects its account)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import mask_iban, normalize_iban, validate_iban
from benecomune.core.models import Provider
from benecomune.core.notifications import send_email
from benecomune.observatory.models import SocialProject
from benecomune.observatory.services.shared_value import COMUNE_PERMISSION, require_owner

ACTION = "observatory.project_beneficiary_changed"


def _orders(project: SocialProject):
    from benecomune.payouts.models import PayoutOrder

    return PayoutOrder.objects_unscoped.filter(
        source_type="observatory.socialproject", source_id=str(project.pk)
    )


def disbursement_in_progress(project: SocialProject) -> bool:
    """A disbursement of the project is waiting for a batch or in one."""
    from benecomune.payouts.models import PayoutStatus

    return _orders(project).filter(status__in=[PayoutStatus.READY, PayoutStatus.IN_BATCH]).exists()


def in_progress_message() -> str:
    return _(
        "Un'erogazione del progetto è in pagamento con l'IBAN attuale: l'ente e l'IBAN si "
        "potranno cambiare quando la banca avrà comunicato l'esito del bonifico."
    )


def _check(project, beneficiary, iban: str, reason: str) -> str:
    errors = {}
    iban = normalize_iban(iban)
    if not iban:
        errors["beneficiary_iban"] = _("Indichi l'IBAN dell'ente beneficiario.")
    else:
        try:
            validate_iban(iban)
        except ValidationError as exc:
            errors["beneficiary_iban"] = exc.messages[0]
    if beneficiary is None or not beneficiary.is_active:
        errors["beneficiary"] = _("Scelga un ente attivo sulla piattaforma.")
    if not " ".join((reason or "").split()):
        errors["reason"] = _("Scriva il motivo della modifica: resta nel registro delle attività.")
    if errors:
        raise ValidationError(errors)
    if disbursement_in_progress(project):
        raise ValidationError(in_progress_message())
    return iban


def _refresh_rejected(actor: Actor, project: SocialProject, reason: str) -> list[int]:
    """Orders of the project the bank rejected: new body and IBAN, payable again."""
    from benecomune.payouts.lifecycles import PAYOUT_ORDER
    from benecomune.payouts.models import PayoutStatus

    rejected = _orders(project).filter(status=PayoutStatus.REJECTED)
    ids = list(rejected.order_by("pk").values_list("pk", flat=True))
    body = project.beneficiary
    PAYOUT_ORDER.apply_bulk(
        actor,
        rejected,
        PayoutStatus.READY,
        action="payouts.order_account_refreshed",
        values={
            "iban": project.beneficiary_iban,
            "holder": " ".join(body.name.split())[:70],
            "provider_id": body.pk,
            "beneficiary_name": body.name[:200],
            "rejection_reason": "",
        },
        reason=reason,
    )
    return ids


@transaction.atomic
def set_beneficiary(
    actor: Actor,
    project: SocialProject,
    *,
    beneficiary: Provider,
    beneficiary_iban: str,
    reason: str,
) -> SocialProject:
    """Set the project's beneficiary body and IBAN (validated with schwifty). Audited with the
    IBANs masked; the body is told by e-mail after commit. Nothing changes on a refusal."""
    require_owner(actor, project, COMUNE_PERMISSION)
    project = SocialProject.objects_unscoped.select_for_update().get(pk=project.pk)
    iban = _check(project, beneficiary, beneficiary_iban, reason)
    reason = " ".join(reason.split())[:500]
    if (project.beneficiary_id, project.beneficiary_iban) == (beneficiary.pk, iban):
        return project
    before = {"beneficiary": project.beneficiary_id, "iban": mask_iban(project.beneficiary_iban)}
    project.beneficiary, project.beneficiary_iban = beneficiary, iban
    project.save(update_fields=["beneficiary", "beneficiary_iban"])
    refreshed = _refresh_rejected(actor, project, reason)
    audit.record(
        actor,
        ACTION,
        project,
        organization=project.organization,
        before=before,
        after={
            "beneficiary": beneficiary.pk,
            "iban": mask_iban(iban),
            "orders_ready_again": refreshed,
        },
        reason=reason,
    )
    send_email(
        beneficiary.email,
        _("Valore condiviso: conto per i fondi del progetto"),
        _(
            "%(party)s ha indicato il vostro ente come beneficiario dei fondi del progetto "
            "«%(title)s», sul conto con IBAN che termina con %(tail)s. Se il conto non è "
            "corretto, contatti subito %(party)s."
        )
        % {"party": project.organization.name, "title": project.title, "tail": iban[-4:]},
        organization=beneficiary,
    )
    return project
