"""The shared value agreement as PDF (core PDF helpers): parties, project, shares per wallet
kind, validity, who accepted it on each side and when, and whether it was refused, withdrawn or
ended early (when, by whom, why): `state_text`/`reason_text` are the pages' words too."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from benecomune.core.pdf import build, p, table
from benecomune.ledger.money import format_euro
from benecomune.observatory.models import AgreementState, SharedValueAgreement, ShareMode


def share_text(agreement: SharedValueAgreement, value: int) -> str:
    if agreement.mode == ShareMode.PERCENT:
        return f"{formats.number_format(value / 100, 2)} %"
    return _("%(amount)s per pagamento") % {"amount": format_euro(value)}


def _signed(when, user) -> str:
    if when is None:
        return _("non ancora accettato")
    who = _who(user)
    return _("accettato il %(date)s %(who)s") % {
        "date": formats.date_format(timezone.localtime(when), "d/m/Y H:i"),
        "who": f"({who})" if who else "",
    }


def _who(user) -> str:
    return (user.full_name or user.email) if user else ""


def _day(when) -> str:
    return formats.date_format(timezone.localtime(when), "d/m/Y")


def state_text(agreement: SharedValueAgreement) -> str:
    """The agreement's state in one line: "Rifiutato il …", "Ritirato il …", "Terminato il …"
    (its new last day; "Termina il …" while that day is still to come)."""
    if agreement.refused_at is not None:
        return _("Rifiutato il %(date)s dall'esercente") % {"date": _day(agreement.refused_at)}
    if agreement.withdrawn_at is not None:
        return _("Ritirato il %(date)s da %(party)s") % {
            "date": _day(agreement.withdrawn_at),
            "party": agreement.organization.name,
        }
    if agreement.ended_at is not None:
        values = {
            "date": formats.date_format(agreement.valid_until, "d/m/Y"),
            "decided": _day(agreement.ended_at),
            "signed": formats.date_format(agreement.signed_until, "d/m/Y"),
        }
        if agreement.valid_until < timezone.localdate():
            return (
                _(
                    "Terminato il %(date)s (chiusura anticipata decisa il %(decided)s; scadenza "
                    "firmata: %(signed)s)"
                )
                % values
            )
        return (
            _(
                "Termina il %(date)s (chiusura anticipata decisa il %(decided)s; scadenza "
                "firmata: %(signed)s)"
            )
            % values
        )
    if agreement.signed:
        return _("Firmato da entrambi")
    return _("In attesa dell'esercente")


def reason_text(agreement: SharedValueAgreement) -> str:
    return (
        _("Motivo: %(reason)s") % {"reason": agreement.closing_reason}
        if agreement.closing_reason
        else ""
    )


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
    if agreement.state in (AgreementState.REFUSED, AgreementState.WITHDRAWN, AgreementState.ENDED):
        who = _who(agreement.refused_by or agreement.withdrawn_by or agreement.ended_by)
        line = state_text(agreement) + (f" ({who})" if who else "") + "."
        story.append(p(_("Stato: %(state)s") % {"state": line}))
        if agreement.closing_reason:
            story.append(p(reason_text(agreement)))
    footer = _("Accordo di valore condiviso n. %(n)s") % {"n": agreement.pk}
    return build(story, title=footer, footer=footer, organization=agreement.organization.name)
