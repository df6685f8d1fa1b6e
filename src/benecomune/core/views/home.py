"""Role-aware home pages. Each shows what the role can do, or an empty state that says what
will appear there."""

from django.db.models import Count
from django.shortcuts import render

from benecomune.core.models import (
    AuditEvent,
    Household,
    Membership,
    Organization,
    OrganizationKind,
    Person,
    Role,
)

# Apps add cards to a role's home: role -> list of callables (request) -> dict or None.
HOME_CARDS: dict[str, list] = {}


def register_home_card(role: str, card, *, first: bool = False) -> None:
    """`first` puts a shortcut (the citizen's "Paga") before the cards already registered."""
    cards = HOME_CARDS.setdefault(role, [])
    if card in cards:
        return
    cards.insert(0, card) if first else cards.append(card)


def _cards(request, role):
    return [c for c in (card(request) for card in HOME_CARDS.get(role, [])) if c]


def home(request):
    if not request.user.is_authenticated:
        municipalities = Organization.objects.filter(
            kind=OrganizationKind.MUNICIPALITY, is_active=True
        ).order_by("name")
        return render(request, "core/home/anonymous.html", {"municipalities": municipalities})
    actor = request.actor
    role = actor.role
    context = {"cards": _cards(request, role)}
    if role == "citizen":
        person = request.user.person
        context["person"] = person
        context["unread"] = (
            person.notifications.filter(read_at__isnull=True).count() if person else 0
        )
        return render(request, "core/home/citizen.html", context)
    context["organization"] = actor.organization.specific
    if role in (
        Role.DESK_OPERATOR,
        Role.VALIDATOR,
        Role.MUNICIPALITY_ADMIN,
        Role.DATA_PROTECTION,
        Role.PLATFORM_ADMIN,
    ):
        from benecomune.core.scoping import tenant_scope

        with tenant_scope(actor.tenant_ids):
            context["people_count"] = Person.objects.count()
            context["household_count"] = Household.objects.count()
            if actor.has_perm("audit.view"):
                context["recent_events"] = list(AuditEvent.objects.select_related("actor")[:5])
    if role == Role.PLATFORM_ADMIN:
        context["org_counts"] = dict(
            Organization.objects.filter(network=actor.organization)
            .values_list("kind")
            .annotate(n=Count("pk"))
        )
    if role == Role.MUNICIPALITY_ADMIN:
        context["staff"] = (
            Membership.objects.filter(organization=actor.organization, is_active=True)
            .select_related("user")
            .order_by("role")
        )
    return render(request, f"core/home/{role}.html", context)
