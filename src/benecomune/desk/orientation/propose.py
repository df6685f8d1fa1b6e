"""`propose(case)`: every suggestion for a case, each with the needs it answers, why, and what
is still unknown; dismissed ones apart (with the reason given)."""

from dataclasses import dataclass, field

from benecomune.desk.orientation.calls import call_suggestions
from benecomune.desk.orientation.plans import plan_suggestions, point_suggestions
from benecomune.desk.orientation.profile import Profile, profile_of, profile_unknowns
from benecomune.desk.orientation.services import service_suggestions


@dataclass
class Proposal:
    profile: Profile
    needs: list
    suggestions: list = field(default_factory=list)
    dismissed: dict = field(default_factory=dict)  # key -> DismissedSuggestion
    unknowns: list = field(default_factory=list)

    def by_key(self) -> dict:
        return {s.key: s for s in self.suggestions}

    def unanswered(self) -> list:
        answered = {n.pk for s in self.suggestions if s.kind != "point" for n in s.needs}
        return [n for n in self.needs if n.pk not in answered]


def propose(case, *, on=None) -> Proposal:
    from benecomune.desk.models import DismissedSuggestion

    needs = list(case.needs.select_related("area").order_by("area__position", "position"))
    profile = profile_of(case.person, on)
    municipality = profile.residence or case.point.municipality
    suggestions = [
        *call_suggestions(needs, profile, municipality_id=municipality.pk),
        *service_suggestions(needs, profile, municipality=municipality),
        *plan_suggestions(needs, profile),
    ]
    answered = {n.pk for s in suggestions for n in s.needs}
    unanswered = [n for n in needs if n.pk not in answered]
    suggestions += point_suggestions(needs, profile, case, unanswered)
    dismissed = {d.key: d for d in DismissedSuggestion.objects_unscoped.filter(case=case)}
    return Proposal(
        profile=profile,
        needs=needs,
        suggestions=[s for s in suggestions if s.key not in dismissed],
        dismissed=dismissed,
        unknowns=profile_unknowns(profile),
    )
