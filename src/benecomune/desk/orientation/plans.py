"""Company plan credit and Points or offices for a case.

Credit: each of the person's company-plan wallets with money, for the needs whose spending
categories the plan's wallet allows (the categories its legal bases cover, stored on the
wallet by corporate.spending.plan_categories). Points: the other Welfare Points of the
person's Comune, and the company Point of their employer, for the needs nothing else
answered (or all of them when nothing answered any)."""

from django.utils.translation import gettext as _

from benecomune.core.models import MerchantCategory
from benecomune.desk.models import PointKind, SuggestionKind, WelfarePoint
from benecomune.desk.orientation.suggestions import Suggestion
from benecomune.ledger.money import format_euro
from benecomune.ledger.spending import categories_text, date_text


def plan_suggestions(needs, profile) -> list[Suggestion]:
    found = []
    for wallet in profile.wallets:
        if wallet.source_kind != "company_plan" or wallet.available <= 0:
            continue
        allowed = set(wallet.allowed_categories or MerchantCategory.values)
        answered = [n for n in needs if set(n.categories) & allowed]
        if not answered:
            continue
        suggestion = Suggestion(
            kind=SuggestionKind.PLAN,
            object_id=wallet.pk,
            title=_("Credito del welfare aziendale: %(title)s") % {"title": wallet.title},
            detail=_("Disponibili %(amount)s") % {"amount": format_euro(wallet.available)},
        )
        for need in answered:
            suggestion.answers(need)
            suggestion.reasons.append(
                _("Il piano copre %(what)s, per il bisogno «%(need)s».")
                % {
                    "what": categories_text(sorted(set(need.categories) & allowed)),
                    "need": need.name,
                }
            )
        suggestion.reasons.append(
            _("Disponibili %(amount)s sul conto del piano.")
            % {"amount": format_euro(wallet.available)}
        )
        if wallet.valid_until:
            suggestion.reasons.append(
                _("Da usare entro il %(date)s.") % {"date": date_text(wallet.valid_until)}
            )
        found.append(suggestion)
    return found


def point_suggestions(needs, profile, case, unanswered) -> list[Suggestion]:
    municipality_id = profile.residence.pk if profile.residence else case.point.municipality_id
    companies = [c.pk for c in profile.employers]
    rows = (
        WelfarePoint.objects_unscoped.filter(is_active=True)
        .exclude(pk=case.point_id)
        .select_related("municipality")
        .order_by("name")
    )
    public_here = rows.filter(is_public=True, municipality_id=municipality_id)
    at_work = rows.filter(kind=PointKind.COMPANY, organization_id__in=companies)
    targets = unanswered or list(needs)
    found = []
    for point in [*at_work, *public_here]:
        suggestion = Suggestion(
            kind=SuggestionKind.POINT,
            object_id=point.pk,
            title=point.name,
            detail=f"{point.address}, {point.municipality.name} · {point.opening_hours}",
        )
        for need in targets:
            suggestion.answers(need)
        if point.kind == PointKind.COMPANY and point.organization_id in companies:
            suggestion.reasons.append(_("Punto Welfare aziendale del datore di lavoro."))
        else:
            suggestion.reasons.append(
                _("Punto Welfare nel Comune di %(comune)s.") % {"comune": point.municipality.name}
            )
        if unanswered:
            suggestion.reasons.append(
                _("Per i bisogni senza una proposta nel catalogo o nei bandi: %(needs)s.")
                % {"needs": ", ".join(n.name for n in unanswered)}
            )
        if point.services:
            suggestion.reasons.append(_("Servizi offerti: %(s)s") % {"s": point.services[:200]})
        found.append(suggestion)
    return found
