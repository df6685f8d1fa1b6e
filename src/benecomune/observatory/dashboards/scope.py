"""Who sees which cells of the dashboards, and the filters checked against it.

The audience follows the acting role's organisation:

- a Comune, a network (its member Comuni) or a company: the money its own wallets carried
  (`FlowCell.issuer_id` among the actor's tenants);
- a provider or merchant: the money spent at it (`FlowCell.merchant_id` among its tenants).

Filters: period, the issuing Comune, the call, the merchant category. A Comune or a call the
actor has nothing to do with is a 404 (the same answer as a page that does not exist), never an
empty dashboard that would confirm it exists; a malformed date or an unknown category is a
form error in Italian and filters nothing.
"""

import dataclasses
import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.core.date_range import check_date_range, date_input
from benecomune.core.models import MerchantCategory, Municipality, OrganizationKind
from benecomune.observatory.models import FlowCell

ISSUERS = "issuers"  # Comune, network, company
MERCHANTS = "merchants"  # provider, merchant
# Any one of these lets a role open the dashboard of its own organisation.
PERMISSIONS = ("funds.view", "company.view", "merchant.view")


@dataclasses.dataclass(frozen=True)
class Audience:
    side: str  # ISSUERS or MERCHANTS
    kind: str  # the organisation's kind
    tenant_ids: tuple[int, ...]
    name: str
    # The organisation's `tenant_subquery()` (same ids as tenant_ids), for the queries of a
    # network's page; None: filter by the ids.
    tenant_query: object = dataclasses.field(default=None, compare=False)

    @property
    def tenants(self):
        """What `__in` filters take: the ids, or the subquery that lists them."""
        return self.tenant_ids if self.tenant_query is None else self.tenant_query

    def cells(self):
        field = "issuer_id" if self.side == ISSUERS else "merchant_id"
        return FlowCell.objects.filter(**{f"{field}__in": self.tenants})

    def usage_cells(self):
        """Bookings and services used (models/usage.py): a Comune's or network's residents, a
        company's plan, a provider's own."""
        from benecomune.observatory.models import UsageCell

        if self.side == MERCHANTS:
            field = "provider_id"
        elif self.kind == OrganizationKind.COMPANY:
            field = "company_id"
        else:
            field = "comune_id"
        return UsageCell.objects.filter(**{f"{field}__in": self.tenants})

    @property
    def is_public_body(self) -> bool:
        return self.kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.NETWORK)


def audience_of(actor) -> Audience:
    """The actor's audience; PermissionDenied for a role with no dashboard."""
    if actor is None or not any(actor.has_perm(p) for p in PERMISSIONS):
        raise PermissionDenied
    organization = actor.organization
    if organization is None:
        raise PermissionDenied
    side = MERCHANTS if organization.kind == OrganizationKind.PROVIDER else ISSUERS
    tenant_ids = tuple(actor.tenant_ids)
    # A membership's tenants are its organisation's (core.actors); a network's are many.
    many = len(tenant_ids) > 1 and set(tenant_ids) == set(organization.tenant_ids())
    query = organization.tenant_subquery() if many else None
    return Audience(side, organization.kind, tenant_ids, organization.name, query)


def comuni_of(audience: Audience) -> list[Municipality]:
    """The issuing Comuni the audience may filter by: its own (a Comune, a network's members),
    or for a provider those whose wallets were spent at it or whose residents booked or bought
    from it; none for a company."""
    if audience.side == ISSUERS:
        ids = audience.tenant_ids
    else:
        ids = set(audience.cells().values_list("issuer_id", flat=True).distinct())
        ids |= set(audience.usage_cells().values_list("comune_id", flat=True).distinct())
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def calls_of(audience: Audience):
    from benecomune.calls.models import Call

    if audience.side == ISSUERS:
        condition = Q(organization_id__in=audience.tenants)
    else:
        ids = set(audience.cells().exclude(call_id=0).values_list("call_id", flat=True))
        condition = Q(pk__in=ids)
    return list(Call.objects_unscoped.filter(condition).order_by("-opens_at", "title"))


def _start_of_year() -> datetime.date:
    return timezone.localdate().replace(month=1, day=1)


class DashboardFilterForm(forms.Form):
    dal = date_input(gettext_lazy("Dal"))
    al = date_input(gettext_lazy("Al"))
    comune = forms.TypedChoiceField(
        label=gettext_lazy("Comune"), required=False, coerce=int, empty_value=None
    )
    bando = forms.TypedChoiceField(
        label=gettext_lazy("Bando"), required=False, coerce=int, empty_value=None
    )
    categoria = forms.ChoiceField(label=gettext_lazy("Categoria"), required=False)

    def __init__(self, data, *, comuni, calls):
        super().__init__(data)
        self.fields["comune"].choices = [("", _("Tutti"))] + [(m.pk, m.name) for m in comuni]
        self.fields["bando"].choices = [("", _("Tutti"))] + [(c.pk, c.title) for c in calls]
        self.fields["categoria"].choices = [("", _("Tutte")), *MerchantCategory.choices]

    def clean(self):
        data = super().clean()
        check_date_range(data, "dal", "al")
        return data


@dataclasses.dataclass(frozen=True)
class Filters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    comune_id: int | None = None
    call_id: int | None = None
    category: str = ""

    def apply_usage(self, cells):
        """The period and the Comune (of residence) on usage cells: calls and merchant
        categories do not apply to bookings."""
        return self.apply(cells, calls_and_categories=False)

    def apply(self, cells, *, calls_and_categories=True):
        if self.date_from:
            cells = cells.filter(month__gte=self.date_from.replace(day=1))
        if self.date_to:
            cells = cells.filter(month__lte=self.date_to)
        if self.comune_id:
            field = "issuer_id" if calls_and_categories else "comune_id"
            cells = cells.filter(**{field: self.comune_id})
        if not calls_and_categories:
            return cells
        if self.call_id:
            cells = cells.filter(call_id=self.call_id)
        if self.category:
            cells = cells.filter(category=self.category)
        return cells

    def querystring(self) -> str:
        from urllib.parse import urlencode

        pairs = {
            "dal": self.date_from.isoformat() if self.date_from else "",
            "al": self.date_to.isoformat() if self.date_to else "",
            "comune": self.comune_id or "",
            "bando": self.call_id or "",
            "categoria": self.category,
        }
        return urlencode({k: v for k, v in pairs.items() if v})


def _foreign(raw: str, allowed: set[int]) -> bool:
    """A well-formed id naming something outside the audience's reach."""
    return raw.isdigit() and int(raw) not in allowed


def read_filters(params, audience: Audience) -> tuple[DashboardFilterForm, Filters]:
    """The bound form and the filters it gives (defaults: this calendar year). Raises Http404
    for a Comune or a call outside the audience."""
    comuni, calls = comuni_of(audience), calls_of(audience)
    if _foreign(params.get("comune", ""), {m.pk for m in comuni}):
        raise Http404(_("Comune non trovato."))
    if _foreign(params.get("bando", ""), {c.pk for c in calls}):
        raise Http404(_("Bando non trovato."))
    data = params.copy() if hasattr(params, "copy") else dict(params)
    if not params:
        data = {"dal": _start_of_year().isoformat()}
    form = DashboardFilterForm(data, comuni=comuni, calls=calls)
    if not form.is_valid():
        return form, Filters(date_from=_start_of_year())
    clean = form.cleaned_data
    return form, Filters(
        date_from=clean["dal"],
        date_to=clean["al"],
        comune_id=clean["comune"],
        call_id=clean["bando"],
        category=clean["categoria"] or "",
    )
