"""What a suggestion is: its kind and object, the needs it answers, why it was proposed and
what is still unknown. `key` names it across requests ("service:12")."""

from dataclasses import dataclass, field


@dataclass
class Suggestion:
    kind: str  # desk.models.SuggestionKind
    object_id: int
    title: str
    detail: str = ""
    needs: list = field(default_factory=list)  # desk.Need
    reasons: list = field(default_factory=list)  # Italian sentences
    unknowns: list = field(default_factory=list)
    url: str = ""

    @property
    def kind_label(self) -> str:
        from benecomune.desk.models import SuggestionKind

        return str(SuggestionKind(self.kind).label)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"

    def answers(self, need) -> None:
        if need not in self.needs:
            self.needs.append(need)
