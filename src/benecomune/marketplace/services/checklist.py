"""A network's accreditation checklist: the documents a provider uploads, in the five
requirement groups of UNI/PdR 58:2019. `ensure_default_checklist` seeds sensible items (only
the missing ones: a network's own changes are kept); networks then edit, add or retire items."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Network
from benecomune.marketplace.models import AccreditationRequirement, RequirementGroup, ServiceArea
from benecomune.marketplace.services.common import NETWORK_PERMISSION, clean_line, clean_text

G = RequirementGroup
# (key, group, title, description, required, needs_expiry, areas)
DEFAULTS = (
    (
        "registro",
        G.LEGAL,
        gettext_noop("Visura camerale o iscrizione al RUNTS / Albo delle cooperative"),
        gettext_noop("Documento non più vecchio di sei mesi."),
        True,
        True,
        (),
    ),
    ("statuto", G.LEGAL, gettext_noop("Atto costitutivo e statuto"), "", True, False, ()),
    (
        "durc",
        G.ECONOMIC,
        gettext_noop("DURC (documento unico di regolarità contributiva)"),
        gettext_noop("In corso di validità."),
        True,
        True,
        (),
    ),
    (
        "bilancio",
        G.ECONOMIC,
        gettext_noop("Ultimo bilancio approvato o rendiconto"),
        "",
        True,
        False,
        (),
    ),
    (
        "polizza-rc",
        G.ECONOMIC,
        gettext_noop("Polizza di responsabilità civile verso terzi"),
        gettext_noop("Con massimale e scadenza."),
        True,
        True,
        (),
    ),
    (
        "autorizzazione",
        G.AUTHORISATIONS,
        gettext_noop("Autorizzazione al funzionamento o accreditamento regionale"),
        gettext_noop("Dove la legge la richiede per il servizio offerto."),
        True,
        True,
        (ServiceArea.FAMILY, ServiceArea.WELLBEING, ServiceArea.HOME),
    ),
    ("carta-servizi", G.QUALITY, gettext_noop("Carta dei servizi"), "", True, False, ()),
    (
        "soddisfazione",
        G.QUALITY,
        gettext_noop("Procedura di rilevazione della soddisfazione degli utenti"),
        gettext_noop("Questionari, frequenza, come si usano i risultati."),
        True,
        False,
        (),
    ),
    (
        "certificazione",
        G.QUALITY,
        gettext_noop("Certificazione di qualità (ISO 9001 o equivalente)"),
        "",
        False,
        True,
        (),
    ),
    (
        "operatori",
        G.TECHNICAL,
        gettext_noop("Curricula e qualifiche degli operatori"),
        gettext_noop("Elenco degli operatori con titoli e formazione."),
        True,
        False,
        (),
    ),
    (
        "sicurezza",
        G.TECHNICAL,
        gettext_noop("Documento di valutazione dei rischi (D.Lgs. 81/2008)"),
        "",
        False,
        False,
        (),
    ),
)


@transaction.atomic
def ensure_default_checklist(actor: Actor, network: Network) -> list[AccreditationRequirement]:
    """Add the default items the network lacks; return those added."""
    actor.require(NETWORK_PERMISSION, network)
    existing = set(
        AccreditationRequirement.objects_unscoped.filter(network=network).values_list(
            "key", flat=True
        )
    )
    added = []
    for position, (key, group, title, description, required, expiry, areas) in enumerate(DEFAULTS):
        if key in existing:
            continue
        added.append(
            AccreditationRequirement.objects_unscoped.create(
                network=network,
                key=key,
                group=group,
                title=_(title),
                description=_(description) if description else "",
                required=required,
                needs_expiry=expiry,
                areas=[str(a) for a in areas],
                position=position,
            )
        )
    if added:
        audit.record(
            actor,
            "marketplace.checklist_seeded",
            network,
            organization=network,
            after={"keys": [r.key for r in added]},
        )
    return added


def requirements_for(network_id: int, area: str) -> list[AccreditationRequirement]:
    """The active items of the network's checklist that apply to `area`, in order."""
    rows = AccreditationRequirement.objects_unscoped.filter(network_id=network_id, is_active=True)
    order = {group: n for n, group in enumerate(RequirementGroup.values)}
    rows = sorted(rows, key=lambda r: (order.get(r.group, 99), r.position, r.pk))
    return [r for r in rows if r.applies_to(area)]


@transaction.atomic
def save_requirement(
    actor: Actor,
    network: Network,
    requirement: AccreditationRequirement | None = None,
    *,
    group: str,
    title: str,
    description: str = "",
    areas=(),
    required: bool = True,
    needs_expiry: bool = False,
    is_active: bool = True,
) -> AccreditationRequirement:
    """Add an item to the network's checklist, or change one (a change applies to the
    documents uploaded from now on; those already verified stay as they are)."""
    actor.require(NETWORK_PERMISSION, network)
    errors = {}
    title = clean_line(title, 200)
    if not title:
        errors["title"] = [_("Indichi il nome del documento.")]
    if group not in RequirementGroup.values:
        errors["group"] = [_("Scelga il gruppo di requisiti.")]
    areas = sorted({str(a) for a in areas})
    if any(a not in ServiceArea.values for a in areas):
        errors["areas"] = [_("Scelta non valida.")]
    if errors:
        raise ValidationError(errors)
    if requirement is None:
        requirement = AccreditationRequirement(network=network, key=_free_key(network, title))
    elif requirement.network_id != network.pk:
        raise ValidationError(_("Il requisito è di un'altra rete."))
    before = audit.snapshot(
        requirement, ["group", "title", "required", "needs_expiry", "is_active"]
    )
    requirement.group = group
    requirement.title = title
    requirement.description = clean_text(description)
    requirement.areas = areas
    requirement.required = bool(required)
    requirement.needs_expiry = bool(needs_expiry)
    requirement.is_active = bool(is_active)
    requirement.save()
    audit.record(
        actor,
        "marketplace.requirement_saved",
        requirement,
        organization=network,
        before=before if before.get("title") else None,
        after=audit.snapshot(
            requirement, ["group", "title", "required", "needs_expiry", "is_active"]
        ),
    )
    return requirement


def _free_key(network: Network, title: str) -> str:
    base = (slugify(title)[:50] or "requisito").strip("-")
    key, n = base, 1
    while AccreditationRequirement.objects_unscoped.filter(network=network, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key
