"""The plan as a PDF for employees and unions: period, origin, groups and their credit, the
allowed categories with their legal basis and limits, pro-rata and unspent rules. Built on
request from the version (a frozen version always prints the same content)."""

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from benecomune.core import pdf
from benecomune.corporate.models import EmployeeCategory, PlanVersion


def _criteria(group) -> str:
    parts = []
    if group.category:
        parts.append(_("categoria %(v)s") % {"v": EmployeeCategory(group.category).label})
    if group.level:
        parts.append(_("livello %(v)s") % {"v": group.level})
    if group.site:
        parts.append(_("sede %(v)s") % {"v": group.site})
    if group.min_seniority_months:
        parts.append(_("almeno %(n)s mesi di anzianità") % {"n": group.min_seniority_months})
    return ", ".join(parts) or _("tutti i dipendenti")


def plan_pdf(version: PlanVersion) -> bytes:
    company = version.company
    story = [
        pdf.text(
            _("Regolamento di welfare aziendale: %(name)s") % {"name": version.plan.name}, "title"
        ),
        pdf.text(
            _("%(company)s · versione %(n)s · %(status)s")
            % {
                "company": company.name,
                "n": version.number,
                "status": version.get_status_display(),
            },
            "small",
        ),
        Spacer(1, 4 * mm),
        pdf.text(_("Il piano"), "h2"),
        pdf.table(
            [
                [_("Voce"), _("Regola")],
                [
                    _("Periodo"),
                    _("dal %(from)s al %(to)s")
                    % {
                        "from": pdf.when(version.starts_on, False),
                        "to": pdf.when(version.ends_on, False),
                    },
                ],
                [_("Origine"), version.get_origin_display()],
                [
                    _("Natura"),
                    _(
                        "Obbligatorio per contratto o regolamento: costo deducibile per "
                        "intero (art. 95 TUIR)."
                    )
                    if version.binding
                    else _(
                        "Volontario: costo deducibile nel limite del 5 per mille (art. 100 TUIR)."
                    ),
                ],
                [_("Assunti e cessati nel periodo"), version.get_pro_rata_display()],
                [_("Credito non speso"), version.get_unspent_display()],
            ],
            [50 * mm, 124 * mm],
        ),
        pdf.text(_("Beneficiari"), "h2"),
        pdf.text(
            _(
                "I gruppi sono definiti da criteri oggettivi, mai da persone nominate. Ognuno "
                "appartiene al primo gruppo, nell'ordine, di cui soddisfa i criteri."
            ),
            "small",
        ),
        pdf.table(
            [[_("Gruppo"), _("Criteri"), _("Credito annuo")]]
            + [[g.name, _criteria(g), pdf.euro(g.credit)] for g in version.group_rows()],
            [50 * mm, 90 * mm, 34 * mm],
            numeric_columns=(2,),
        ),
        pdf.text(_("Come si può usare il credito"), "h2"),
        pdf.table(
            [[_("Base normativa"), _("Voce"), _("Modalità"), _("Limite")]]
            + [
                [
                    r.legal_basis.reference,
                    r.legal_basis.title,
                    r.get_delivery_display(),
                    pdf.euro(r.limit) if r.limit else "—",
                ]
                for r in version.rule_rows()
            ],
            [38 * mm, 72 * mm, 40 * mm, 24 * mm],
            numeric_columns=(3,),
        ),
    ]
    if version.notes:
        story += [pdf.text(_("Note"), "h2"), pdf.text(version.notes)]
    if version.approved_at:
        story += [
            Spacer(1, 4 * mm),
            pdf.text(
                _("Approvato il %(when)s.") % {"when": pdf.when(version.approved_at)}, "small"
            ),
        ]
    return pdf.build(
        story,
        title=_("Piano di welfare %(name)s") % {"name": version.plan.name},
        footer=_("%(company)s · piano «%(name)s», versione %(n)s")
        % {"company": company.name, "name": version.plan.name, "n": version.number},
        organization=company.name,
    )
