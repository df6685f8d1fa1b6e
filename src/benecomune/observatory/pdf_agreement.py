"""The shared value agreement as PDF (core PDF helpers): parties, project, shares per wallet
kind, validity, and who accepted it on each side and when."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from benecomune.core.pdf import build, p, table
from benecomune.ledger.money import format_euro
from benecomune.observatory.models import SharedValueAgreement, ShareMode


def share_text(agreement: SharedValueAgreement, value: int) -> str:
    if agreement.mode == ShareMode.PERCENT:
        return f"{formats.number_format(value / 100, 2)} %"
    return _("%(amount)s per pagamento") % {"amount": format_euro(value)}


def _signed(when, user) -> str:
    if when is None:
        return _("non ancora accettato")
    who = (user.full_name or user.email) if user else ""
    return _("accettato il %(date)s %(who)s") % {
        "date": formats.date_format(timezone.localtime(when), "d/m/Y H:i"),
        "who": f"({who})" if who else "",
    }


def party_text(organization) -> str:
    """The proposing party as the agreement names it: «name (Comune)», «name (Rete di Comuni)»."""
    return f"{organization.name} ({organization.get_kind_display()})"


def render_agreement(agreement: SharedValueAgreement) -> bytes:
    project = agreement.project
    story = [
        p(_("Accordo di valore condiviso n. %(n)s") % {"n": agreement.pk}, "title"),
        table(
            [
                [_("Parte"), _("Ente")],
                [_("Proponente"), party_text(agreement.organization)],
                [_("Esercente o fornitore"), agreement.merchant.name],
            ],
            None,
        ),
        p(
            _(
                "Tra %(comune)s e %(merchant)s: una quota di ogni pagamento ricevuto con il "
                "welfare va al progetto sociale «%(project)s» (ente beneficiario: %(body)s). "
                "La quota è tracciata pagamento per pagamento nel registro contabile della "
                "piattaforma e torna all'esercente se il pagamento è annullato o rimborsato."
            )
            % {
                "comune": party_text(agreement.organization),
                "merchant": agreement.merchant.name,
                "project": project.title,
                "body": project.beneficiary.name,
            }
        ),
    ]
    rows = [
        [_("Pagato con"), _("Quota al progetto")],
        [_("Buoni pubblici"), share_text(agreement, agreement.value_public)],
        [_("Welfare aziendale"), share_text(agreement, agreement.value_corporate)],
        [_("Denaro proprio"), share_text(agreement, agreement.value_own)],
    ]
    story.append(table(rows, None))
    story.append(
        p(
            _("Valido dal %(start)s al %(end)s.")
            % {
                "start": formats.date_format(agreement.valid_from, "d/m/Y"),
                "end": formats.date_format(agreement.valid_until, "d/m/Y"),
            }
        )
    )
    story.append(
        p(
            _("Nome dell'esercente nelle pagine pubbliche: %(yes)s.")
            % {"yes": _("sì") if agreement.named_publicly else _("no")}
        )
    )
    for party, when, user in (
        (agreement.organization, agreement.comune_signed_at, agreement.comune_signed_by),
        (agreement.merchant, agreement.merchant_signed_at, agreement.merchant_signed_by),
    ):
        story.append(p(f"{party.name}: {_signed(when, user)}"))
    footer = _("Accordo di valore condiviso n. %(n)s") % {"n": agreement.pk}
    return build(story, title=footer, footer=footer, organization=agreement.organization.name)
