"""The pro-forma of a funding request as a PDF (core/pdf), served through core's checked file
view (kind `proforma-welfare`) to the HR roles of the company only; anyone else: not found."""

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from benecomune.core import pdf
from benecomune.core.files import ServedFile, register_file_kind
from benecomune.corporate.models import FundingRequest

PROFORMA = "proforma-welfare"


def proforma_pdf(request: FundingRequest) -> bytes:
    version = request.version
    company = version.company
    network = company.network
    iban = getattr(settings, "CORPORATE_FUNDING_IBAN", "") or _("comunicato dalla rete")
    story = [
        pdf.text(_("Richiesta di finanziamento (pro forma)"), "title"),
        pdf.text(
            _("N. %(n)s del %(when)s · non è una fattura")
            % {"n": request.reference, "when": pdf.when(request.created_at, False)},
            "small",
        ),
        Spacer(1, 4 * mm),
        pdf.text(_("Azienda"), "h2"),
        pdf.table(
            [
                [_("Voce"), _("Dato")],
                [_("Ragione sociale"), company.name],
                [_("Partita IVA"), getattr(company, "vat_number", "")],
                [_("Indirizzo"), company.address or "—"],
                [_("E-mail"), company.email or "—"],
            ],
            [50 * mm, 124 * mm],
        ),
        pdf.text(_("Piano"), "h2"),
        pdf.table(
            [
                [_("Voce"), _("Dato")],
                [_("Piano"), f"{version.plan.name} · v{version.number}"],
                [
                    _("Periodo"),
                    _("dal %(from)s al %(to)s")
                    % {
                        "from": pdf.when(version.starts_on, False),
                        "to": pdf.when(version.ends_on, False),
                    },
                ],
                [_("Tipo"), request.get_kind_display()],
            ],
            [50 * mm, 124 * mm],
        ),
        pdf.text(_("Pagamento"), "h2"),
        pdf.table(
            [
                [_("Voce"), _("Dato")],
                [_("Importo"), pdf.euro(request.amount)],
                [_("Scadenza"), pdf.when(request.due_on, False)],
                [_("Beneficiario"), network.name if network else "—"],
                [_("IBAN"), iban],
                [_("Causale (obbligatoria)"), request.reference],
            ],
            [50 * mm, 124 * mm],
        ),
        pdf.text(
            _(
                "L'importo è la somma del credito dei dipendenti secondo il regolamento "
                "(con il riproporzionamento per assunti e cessati). Il credito si assegna "
                "ai dipendenti solo dopo l'accredito del bonifico, nei limiti di quanto "
                "versato."
            ),
            "small",
        ),
    ]
    return pdf.build(
        story,
        title=_("Pro forma %(ref)s") % {"ref": request.reference},
        footer=_("%(company)s · pro forma %(ref)s")
        % {"company": company.name, "ref": request.reference},
        organization=network.name if network else company.name,
    )


def staff_proforma(actor, pk: int) -> ServedFile | None:
    organization = actor.organization
    if organization is None or not actor.has_perm("company.view", organization):
        return None
    request = (
        FundingRequest.objects_unscoped.select_related("version__plan", "version__company")
        .filter(pk=pk, company_id=organization.pk)
        .first()
    )
    if request is None:
        return None
    return ServedFile(
        filename=f"proforma-{request.reference}.pdf",
        content_type="application/pdf",
        content=proforma_pdf(request),
    )


register_file_kind(PROFORMA, staff=staff_proforma)
