"""What the employee's page says about each plan wallet: the plan's rules in plain Italian and
where the credit can be spent (the catalogue filtered to what the wallet pays, the shops of the
voucher circuit when the plan allows c.3 goods)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from benecomune.core.models import Municipality
from benecomune.corporate.models import Delivery, PlanVersion
from benecomune.corporate.spending import C3_GOODS, rule_codes
from benecomune.ledger.money import format_euro


def rules_in_words(version: PlanVersion) -> list[str]:
    """One sentence per category of the plan, then the pro-rata and unspent-credit rules."""
    lines = []
    for rule in version.rule_rows():
        basis = rule.legal_basis
        if rule.delivery == Delivery.REIMBURSABLE:
            how = _("si paga sulla piattaforma o si chiede il rimborso con i documenti di spesa")
        else:
            how = _("si paga solo con servizi acquistati sulla piattaforma")
        text = _("%(title)s: %(how)s") % {"title": basis.title, "how": how}
        if rule.limit is not None:
            text += _(", fino a %(limit)s nel periodo") % {"limit": format_euro(rule.limit)}
        if basis.is_fringe_benefit:
            text += _(" (conta nella soglia annua dei fringe benefit)")
        lines.append(f"{text} ({basis.reference}).")
    lines.append(
        _("Credito calcolato: %(rule)s.") % {"rule": version.get_pro_rata_display().lower()}
    )
    lines.append(
        _("A fine periodo (%(day)s) il credito non speso: %(rule)s.")
        % {
            "day": version.ends_on.strftime("%d/%m/%Y"),
            "rule": version.get_unspent_display().lower(),
        }
    )
    return lines


def catalogue_town(employee) -> Municipality | None:
    """The Comune whose catalogue the employee is sent to: where they live when it is in the
    company's network, else the network's first active Comune."""
    network_id = employee.company.network_id
    residence = employee.person.residence
    if residence is not None and residence.network_id == network_id and residence.is_active:
        return residence
    return (
        Municipality.objects.filter(network_id=network_id, is_active=True).order_by("name").first()
    )


def spend_links(employee, wallet, version: PlanVersion) -> list[tuple[str, str]]:
    links = []
    town = catalogue_town(employee)
    codes = rule_codes(version)
    if town is not None and set(codes) - {C3_GOODS}:
        url = reverse("marketplace:catalogue_search", args=[town.slug])
        links.append(
            (
                url + "?" + urlencode({"miei_buoni": "on"}),
                _("Servizi che il piano paga (catalogo filtrato sul suo credito)"),
            )
        )
    if C3_GOODS in codes:
        links.append(
            (
                reverse("vouchers:shops", args=[wallet.pk]),
                _("Negozi del circuito (fringe benefit)"),
            )
        )
    return links
