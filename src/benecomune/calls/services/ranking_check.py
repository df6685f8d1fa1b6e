"""Ranking consistency check: the stored order agrees with the call's rules.

The ranking sorts by the stored `rank_key` (the database orders 100k applications); this check
recomputes every key from the application's score and tie values with the rules engine's own
encoding, and verifies that every built ranking lists its entries in that order (then submission
time, then id). Read-only: it reports, it repairs nothing.
"""

import dataclasses

from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.models import Application, Call, Ranking

CHUNK = 2000


@dataclasses.dataclass(frozen=True)
class RankProblem:
    call_id: int
    application_id: int
    message: str

    def __str__(self) -> str:
        return self.message


def _label(protocol: str | None, pk: int) -> str:
    return protocol or _("domanda n. %(pk)s") % {"pk": pk}


def rank_key_problems(call: Call) -> list[RankProblem]:
    """Applications whose stored key differs from the key of their score and tie values."""
    problems = []
    rows = (
        Application.objects_unscoped.filter(call=call)
        .order_by("pk")
        .values_list("pk", "protocol", "score", "tie_values", "rank_key")
    )
    for pk, protocol, score, ties, stored in rows.iterator(chunk_size=CHUNK):
        expected = engine.rank_key(score, tuple(ties or ()))
        if stored != expected:
            problems.append(
                RankProblem(
                    call.pk,
                    pk,
                    _(
                        "Bando %(call)s, %(app)s: chiave di graduatoria «%(stored)s» diversa da "
                        "quella di punteggio e criteri di parità «%(expected)s»."
                    )
                    % {
                        "call": call.code,
                        "app": _label(protocol, pk),
                        "stored": stored,
                        "expected": expected,
                    },
                )
            )
    return problems


def ranking_order_problems(call: Call) -> list[RankProblem]:
    """Entries of a built ranking that come before one the rules put ahead of them. Entries
    decided again after the ranking was built (an appeal) are left out: the snapshot predates
    them."""
    problems = []
    for ranking in Ranking.objects.filter(call=call, complete=True).order_by("pk"):
        rows = (
            ranking.entries.order_by("position")
            .values_list(
                "position",
                "score",
                "application_id",
                "application__protocol",
                "application__tie_values",
                "application__submitted_at",
                "application__decided_at",
            )
            .iterator(chunk_size=CHUNK)
        )
        previous = None
        for position, score, pk, protocol, ties, submitted_at, decided_at in rows:
            if decided_at is None or decided_at > ranking.created_at:
                continue
            key = (engine.rank_key(score, tuple(ties or ())), submitted_at, pk)
            if previous is not None and key < previous[0]:
                problems.append(
                    RankProblem(
                        call.pk,
                        pk,
                        _(
                            "Bando %(call)s, graduatoria %(kind)s: %(app)s (posizione %(pos)s) "
                            "spetta prima di %(other)s (posizione %(other_pos)s)."
                        )
                        % {
                            "call": call.code,
                            "kind": ranking.get_kind_display().lower(),
                            "app": _label(protocol, pk),
                            "pos": position,
                            "other": previous[1],
                            "other_pos": previous[2],
                        },
                    )
                )
            if previous is None or key >= previous[0]:
                previous = (key, _label(protocol, pk), position)
    return problems


def check_ranking_consistency(call: Call) -> list[RankProblem]:
    """Every disagreement between the call's stored ranking data and its rules."""
    return [*rank_key_problems(call), *ranking_order_problems(call)]
