"""Public pages: the calls of a Comune or a network, a call explained in plain Italian, and an
eligibility pre-check anyone can try without logging in (nothing is stored).

The middleware opens the public scope of the slug's organisation, but a Comune's scope does
not include its network's joint calls, in which the Comune takes part through a share: these
pages therefore read calls through `objects_unscoped` with an explicit filter on the
organisation, its shares and the public statuses. Drafts and superseded versions never show.
"""

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.describe import describe_call
from benecomune.calls.forms.precheck import PrecheckForm
from benecomune.calls.models import Call, CallStatus, Ranking
from benecomune.calls.services.facts import call_municipality_ids
from benecomune.core.lists import paged
from benecomune.core.models import MerchantCategory, Organization, OrganizationKind
from benecomune.core.views.public import public_organization

PUBLIC_STATUSES = [
    CallStatus.PUBLISHED,
    CallStatus.CLOSED,
    CallStatus.RANKED,
    CallStatus.AWARDED,
    CallStatus.CLOSED_OUT,
]


def public_calls(org: Organization, statuses=PUBLIC_STATUSES):
    """Calls shown on the organisation's public pages: a Comune's own calls and the network
    calls it takes part in; for a network, its own calls and those of its Comuni."""
    if org.kind == OrganizationKind.NETWORK:
        visible = Q(organization=org) | Q(organization__network=org)
    else:
        visible = Q(organization=org) | Q(shares__municipality_id=org.pk)
    ids = Call.objects_unscoped.filter(visible, status__in=statuses).values("pk")
    return Call.objects_unscoped.filter(pk__in=ids).select_related("organization")


def _call_for(org, code) -> Call:
    call = (
        public_calls(org)
        .filter(code=code)
        # The organisation's own call first, should a network call share its code.
        .annotate(
            mine=Case(
                When(organization=org, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("mine", "-version")
        .first()
    )
    if call is None:
        raise Http404
    return call


CLOSED_STATUSES = [
    CallStatus.PUBLISHED,  # past its closing date, not yet closed by the office
    CallStatus.CLOSED,
    CallStatus.RANKED,
    CallStatus.AWARDED,
    CallStatus.CLOSED_OUT,
]
CLOSED_PER_PAGE = 20
CLOSED_ON_HOME = 5


def _open_and_upcoming(org, now):
    published = list(
        public_calls(org, [CallStatus.PUBLISHED]).filter(closes_at__gt=now).order_by("closes_at")
    )
    return (
        [c for c in published if c.opens_at <= now],
        [c for c in published if c.opens_at > now],
    )


def _closed(org, now):
    """Calls no longer taking applications, the latest first: past their closing date, or
    closed by the office earlier (then ranked, awarded, concluded). They stay listed with
    their rankings."""
    ended = Q(status=CallStatus.PUBLISHED, closes_at__lte=now) | ~Q(status=CallStatus.PUBLISHED)
    return (
        public_calls(org, CLOSED_STATUSES)
        .filter(ended)
        .annotate(ended_at=Coalesce("closed_at", "closes_at"))
        .order_by("-ended_at", "-pk")
    )


def _with_rankings(calls) -> list[dict]:
    return [{"call": call, "rankings": _ranking_links(call)} for call in calls]


def public_section(request, org):
    """The "Bandi" section of a Comune's (or network's) public page: open, upcoming and the
    latest closed calls, each in its own list."""
    now = timezone.now()
    open_calls, upcoming = _open_and_upcoming(org, now)
    closed = _closed(org, now)
    return {
        "title": _("Bandi"),
        "template": "calls/public/_section.html",
        "organization": org,
        "open_calls": open_calls,
        "upcoming": upcoming,
        "closed": _with_rankings(closed[:CLOSED_ON_HOME]),
        "more_closed": max(0, closed.count() - CLOSED_ON_HOME),
        "now": now,
    }


def call_list(request, slug):
    org = public_organization(slug)
    now = timezone.now()
    open_calls, upcoming = _open_and_upcoming(org, now)
    listing = paged(request, _closed(org, now), per_page=CLOSED_PER_PAGE)
    return render(
        request,
        "calls/public/list.html",
        {
            **listing.context(),
            "organization": org.specific,
            "open_calls": open_calls,
            "upcoming": upcoming,
            "closed": _with_rankings(listing.page),
            "now": now,
        },
    )


def _apply_url(call) -> str | None:
    """The application pages are another part of the app: link them only if they exist."""
    try:
        return reverse("calls:apply_start", kwargs={"pk": call.pk})
    except NoReverseMatch:
        return None


def _ranking_links(call) -> list[dict]:
    links = []
    for ranking in Ranking.objects.filter(call=call, complete=True).order_by("kind"):
        for fmt in ("pdf", "csv"):
            try:
                url = reverse(
                    "calls:public_ranking_download",
                    kwargs={
                        "slug": call.organization.slug,
                        "code": call.code,
                        "kind": ranking.kind,
                        "fmt": fmt,
                    },
                )
            except NoReverseMatch:
                continue
            links.append({"label": ranking.get_kind_display(), "fmt": fmt.upper(), "url": url})
    return links


def _municipalities(call) -> list[Organization]:
    return list(Organization.objects.filter(pk__in=call_municipality_ids(call)).order_by("name"))


def _context(org, call) -> dict:
    now = timezone.now()
    labels = dict(MerchantCategory.choices)
    return {
        "organization": org.specific,
        "call": call,
        "sections": describe_call(call),
        "municipalities": _municipalities(call),
        "categories": [str(labels.get(v, v)) for v in call.allowed_categories or []],
        "accepting": call.accepts_applications(now),
        "upcoming": call.status == CallStatus.PUBLISHED and now < call.opens_at,
        "apply_url": _apply_url(call),
        "rankings": _ranking_links(call),
        "shops": _shops(call),
    }


def _shops(call) -> list[dict] | None:
    """Where the call's voucher can be spent: the same list as the beneficiary's "Dove
    spenderlo" page and the Comune's page (vouchers' service, on the rules of the award)."""
    if not call.is_voucher_like or call.status == CallStatus.CLOSED_OUT:
        return None
    from benecomune.vouchers.services.where import shops_where_valid

    return shops_where_valid(call)


def call_detail(request, slug, code):
    org = public_organization(slug)
    call = _call_for(org, code)
    return render(request, "calls/public/detail.html", _context(org, call))


def _excluded_choices(parsed) -> list[tuple[int, str]]:
    ids = list(parsed.eligibility.excluded_calls)
    if not ids:
        return []
    titles = dict(Call.objects_unscoped.filter(pk__in=ids).values_list("pk", "title"))
    return [(pk, titles[pk]) for pk in ids if pk in titles]


def precheck(request, slug, code):
    """Indicative answer from the call's own rules; no login, nothing stored."""
    org = public_organization(slug)
    call = _call_for(org, code)
    context = _context(org, call)
    if call.status != CallStatus.PUBLISHED:
        return render(request, "calls/public/precheck.html", {**context, "form": None})
    today = timezone.localdate()
    parsed = engine.parse_rules(call.rules)
    municipalities = [(m.pk, m.name) for m in context["municipalities"]]
    form = PrecheckForm(
        request.POST or None,
        municipalities=municipalities,
        excluded_calls=_excluded_choices(parsed),
        today=today,
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = engine.evaluate(parsed, form.facts(), today, [pk for pk, _name in municipalities])
    context.update({"form": form, "outcome": outcome})
    # HTMX replaces only the panel (answer and form); without JavaScript the whole page.
    partial = request.htmx and request.method == "POST"
    template = "calls/public/_precheck_panel.html" if partial else "calls/public/precheck.html"
    return render(request, template, context)
