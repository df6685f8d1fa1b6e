"""The rules engine of a call: eligibility, amount, score and tie-breaks, as pure functions.

A call stores its rules as JSON (`Call.rules`); `parse_rules` validates that JSON into a
`CallRules` and refuses anything malformed with an Italian message, so a call can only be
saved with rules the engine understands. Amounts are integer cents; scores are integer
hundredths of a point (no floats anywhere).

    {
      "eligibility": {"municipalities": [ids] (empty: the call's Comuni), "isee_max": cents,
                      "min_members": n, "requires_minor": bool, "requires_over_75": bool,
                      "requires_disabled": bool, "excluded_calls": [call ids]},
      "amount": {"kind": "fixed" | "per_member" | "isee_bands", "base": cents,
                 "per_member": cents, "bands": [{"isee_max": cents, "amount": cents}],
                 "extra_per_minor": cents, "extra_per_disabled": cents,
                 "extra_per_over_75": cents, "cap": cents},
      "scoring": {"isee_bands": [{"isee_max": cents, "points": n}], "per_member": n,
                  "per_minor": n, "per_over_75": n, "per_disabled": n},
      "tie_breaks": ["isee_asc", "minors_desc", "members_desc", "over_75_desc",
                     "disabled_desc"],
      "declarations": [{"code": "...", "text": "..."}],
      "documents": [{"code": "...", "label": "...", "required": bool}]
    }
"""

import dataclasses
import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

ADULT_AGE = 18
OLD_AGE = 75

TIE_BREAKS = {
    "isee_asc": gettext_lazy("ISEE più basso"),
    "minors_desc": gettext_lazy("più figli minori"),
    "members_desc": gettext_lazy("nucleo più numeroso"),
    "over_75_desc": gettext_lazy("più componenti con più di 75 anni"),
    "disabled_desc": gettext_lazy("più componenti con disabilità"),
}
AMOUNT_KINDS = {
    "fixed": gettext_lazy("importo fisso per nucleo"),
    "per_member": gettext_lazy("importo per componente"),
    "isee_bands": gettext_lazy("importo per fascia ISEE"),
}
_CODE = re.compile(r"^[a-z0-9_]{1,40}$")


@dataclasses.dataclass(frozen=True)
class Band:
    isee_max: int
    value: int


@dataclasses.dataclass(frozen=True)
class Eligibility:
    municipalities: tuple[int, ...] = ()
    isee_max: int | None = None
    min_members: int | None = None
    requires_minor: bool = False
    requires_over_75: bool = False
    requires_disabled: bool = False
    excluded_calls: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class AmountRule:
    kind: str = "fixed"
    base: int = 0
    per_member: int = 0
    bands: tuple[Band, ...] = ()
    extra_per_minor: int = 0
    extra_per_disabled: int = 0
    extra_per_over_75: int = 0
    cap: int | None = None


@dataclasses.dataclass(frozen=True)
class Scoring:
    isee_bands: tuple[Band, ...] = ()
    per_member: int = 0
    per_minor: int = 0
    per_over_75: int = 0
    per_disabled: int = 0


@dataclasses.dataclass(frozen=True)
class Declaration:
    code: str
    text: str


@dataclasses.dataclass(frozen=True)
class DocumentRequirement:
    code: str
    label: str
    required: bool = True


@dataclasses.dataclass(frozen=True)
class CallRules:
    eligibility: Eligibility = Eligibility()
    amount: AmountRule = AmountRule()
    scoring: Scoring = Scoring()
    tie_breaks: tuple[str, ...] = ()
    declarations: tuple[Declaration, ...] = ()
    documents: tuple[DocumentRequirement, ...] = ()

    def to_json(self) -> dict:
        data = dataclasses.asdict(self)
        data["amount"]["bands"] = [
            {"isee_max": b.isee_max, "amount": b.value} for b in self.amount.bands
        ]
        data["scoring"]["isee_bands"] = [
            {"isee_max": b.isee_max, "points": b.value} for b in self.scoring.isee_bands
        ]
        for key in ("municipalities", "excluded_calls"):
            data["eligibility"][key] = list(data["eligibility"][key])
        data["tie_breaks"] = list(self.tie_breaks)
        data["declarations"] = [dataclasses.asdict(d) for d in self.declarations]
        data["documents"] = [dataclasses.asdict(d) for d in self.documents]
        return data


# --- facts the rules are applied to -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MemberFacts:
    fiscal_code: str
    birth_date: datetime.date
    disability: bool = False


@dataclasses.dataclass(frozen=True)
class HouseholdFacts:
    municipality_id: int | None
    members: tuple[MemberFacts, ...]
    isee_value: int | None = None
    isee_date: datetime.date | None = None
    # Calls in which the household already holds an active award (for exclusions).
    awarded_calls: frozenset[int] = frozenset()

    def count(self, on: datetime.date) -> dict[str, int]:
        ages = [age_on(m.birth_date, on) for m in self.members]
        return {
            "members": len(self.members),
            "minors": sum(1 for a in ages if a < ADULT_AGE),
            "over_75": sum(1 for a in ages if a >= OLD_AGE),
            "disabled": sum(1 for m in self.members if m.disability),
        }


@dataclasses.dataclass(frozen=True)
class Failure:
    code: str
    message: str


@dataclasses.dataclass(frozen=True)
class Outcome:
    eligible: bool
    failures: tuple[Failure, ...]
    amount: int
    score: int
    tie_values: tuple[int, ...]


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


def isee_valid_on(isee_date: datetime.date | None, day: datetime.date) -> bool:
    """An ISEE attestation is valid from its date until 31 December of the same year."""
    return isee_date is not None and isee_date <= day and isee_date.year == day.year


# --- parsing -------------------------------------------------------------------------------


def _int(data: dict, key: str, label: str, *, minimum: int = 0, optional: bool = False):
    value = data.get(key)
    if value is None or value == "":
        if optional:
            return None
        return 0
    if type(value) is not int or value < minimum:
        raise ValidationError(
            _("%(label)s: serve un numero intero non inferiore a %(min)s.")
            % {"label": label, "min": minimum}
        )
    return value


def _bands(items, label: str) -> tuple[Band, ...]:
    if not isinstance(items, list):
        raise ValidationError(_("%(label)s: elenco non valido.") % {"label": label})
    bands = []
    for item in items:
        if not isinstance(item, dict):
            raise ValidationError(_("%(label)s: fascia non valida.") % {"label": label})
        ceiling = _int(item, "isee_max", label)
        value = _int(item, "amount" if "amount" in item else "points", label)
        bands.append(Band(ceiling, value))
    ceilings = [b.isee_max for b in bands]
    if ceilings != sorted(ceilings) or len(set(ceilings)) != len(ceilings):
        raise ValidationError(
            _("%(label)s: le fasce ISEE vanno indicate in ordine crescente, senza ripetizioni.")
            % {"label": label}
        )
    return tuple(bands)


def _ids(items, label: str) -> tuple[int, ...]:
    if items in (None, ""):
        return ()
    if not isinstance(items, list) or any(type(i) is not int or i <= 0 for i in items):
        raise ValidationError(_("%(label)s: elenco non valido.") % {"label": label})
    return tuple(sorted(set(items)))


def _codes(items, label: str, make) -> tuple:
    if not isinstance(items, list):
        raise ValidationError(_("%(label)s: elenco non valido.") % {"label": label})
    result, seen = [], set()
    for item in items:
        code = item.get("code", "") if isinstance(item, dict) else ""
        if not _CODE.match(code) or code in seen:
            raise ValidationError(
                _("%(label)s: ogni voce ha un codice breve e diverso dagli altri.")
                % {"label": label}
            )
        seen.add(code)
        result.append(make(item))
    return tuple(result)


def parse_rules(data: dict | None) -> CallRules:
    """Validate the JSON of a call's rules; raise ValidationError (Italian) when malformed."""
    data = data or {}
    if not isinstance(data, dict):
        raise ValidationError(_("Le regole del bando non sono valide."))
    elig = data.get("eligibility") or {}
    amount = data.get("amount") or {}
    scoring = data.get("scoring") or {}
    if not all(isinstance(x, dict) for x in (elig, amount, scoring)):
        raise ValidationError(_("Le regole del bando non sono valide."))
    eligibility = Eligibility(
        municipalities=_ids(elig.get("municipalities"), _("Comuni di residenza")),
        isee_max=_int(elig, "isee_max", _("Soglia ISEE"), minimum=1, optional=True),
        min_members=_int(elig, "min_members", _("Componenti minimi"), minimum=1, optional=True),
        requires_minor=bool(elig.get("requires_minor")),
        requires_over_75=bool(elig.get("requires_over_75")),
        requires_disabled=bool(elig.get("requires_disabled")),
        excluded_calls=_ids(elig.get("excluded_calls"), _("Bandi incompatibili")),
    )
    kind = amount.get("kind", "fixed")
    if kind not in AMOUNT_KINDS:
        raise ValidationError(_("Criterio di calcolo dell'importo sconosciuto."))
    amount_rule = AmountRule(
        kind=kind,
        base=_int(amount, "base", _("Importo base")),
        per_member=_int(amount, "per_member", _("Importo per componente")),
        bands=_bands(amount.get("bands", []), _("Fasce ISEE dell'importo")),
        extra_per_minor=_int(amount, "extra_per_minor", _("Maggiorazione per minore")),
        extra_per_disabled=_int(amount, "extra_per_disabled", _("Maggiorazione per disabilità")),
        extra_per_over_75=_int(amount, "extra_per_over_75", _("Maggiorazione over 75")),
        cap=_int(amount, "cap", _("Importo massimo"), minimum=1, optional=True),
    )
    if kind == "fixed" and amount_rule.base <= 0:
        raise ValidationError(_("Indichi l'importo fisso per nucleo."))
    if kind == "per_member" and amount_rule.per_member <= 0:
        raise ValidationError(_("Indichi l'importo per componente."))
    if kind == "isee_bands" and not amount_rule.bands:
        raise ValidationError(_("Indichi almeno una fascia ISEE con il suo importo."))
    tie_breaks = data.get("tie_breaks") or []
    if not isinstance(tie_breaks, list) or any(t not in TIE_BREAKS for t in tie_breaks):
        raise ValidationError(_("Criterio di parità sconosciuto."))
    if len(set(tie_breaks)) != len(tie_breaks):
        raise ValidationError(_("Un criterio di parità è ripetuto."))
    return CallRules(
        eligibility=eligibility,
        amount=amount_rule,
        scoring=Scoring(
            isee_bands=_bands(scoring.get("isee_bands", []), _("Fasce ISEE del punteggio")),
            per_member=_int(scoring, "per_member", _("Punti per componente")),
            per_minor=_int(scoring, "per_minor", _("Punti per minore")),
            per_over_75=_int(scoring, "per_over_75", _("Punti per over 75")),
            per_disabled=_int(scoring, "per_disabled", _("Punti per disabilità")),
        ),
        tie_breaks=tuple(tie_breaks),
        declarations=_codes(
            data.get("declarations", []),
            _("Dichiarazioni"),
            lambda d: Declaration(d["code"], str(d.get("text", "")).strip() or d["code"]),
        ),
        documents=_codes(
            data.get("documents", []),
            _("Documenti"),
            lambda d: DocumentRequirement(
                d["code"], str(d.get("label", "")).strip() or d["code"], bool(d.get("required"))
            ),
        ),
    )


# --- evaluation ----------------------------------------------------------------------------


def _band_value(bands: Iterable[Band], isee: int | None) -> int:
    if isee is None:
        return 0
    for band in bands:
        if isee <= band.isee_max:
            return band.value
    return 0


def check_eligibility(
    rules: CallRules, facts: HouseholdFacts, on: datetime.date, call_municipalities=()
) -> tuple[Failure, ...]:
    """Each unmet criterion, with a message the applicant can understand."""
    elig = rules.eligibility
    counts = facts.count(on)
    failures = []
    allowed = set(elig.municipalities or call_municipalities)
    if allowed and facts.municipality_id not in allowed:
        failures.append(
            Failure("residence", _("Il nucleo non risiede in uno dei Comuni del bando."))
        )
    if elig.isee_max is not None or rules.amount.kind == "isee_bands":
        if facts.isee_value is None or not isee_valid_on(facts.isee_date, on):
            failures.append(
                Failure(
                    "isee_missing",
                    _("Serve un'attestazione ISEE valida, rilasciata nell'anno in corso."),
                )
            )
        elif elig.isee_max is not None and facts.isee_value > elig.isee_max:
            failures.append(Failure("isee_over", _("L'ISEE supera la soglia del bando.")))
    if elig.min_members and counts["members"] < elig.min_members:
        failures.append(
            Failure(
                "members",
                ngettext(
                    "Il nucleo deve avere almeno %(n)s componente.",
                    "Il nucleo deve avere almeno %(n)s componenti.",
                    elig.min_members,
                )
                % {"n": elig.min_members},
            )
        )
    if elig.requires_minor and not counts["minors"]:
        failures.append(Failure("minor", _("Nel nucleo deve esserci almeno un minore.")))
    if elig.requires_over_75 and not counts["over_75"]:
        failures.append(
            Failure("over_75", _("Nel nucleo deve esserci almeno una persona over 75."))
        )
    if elig.requires_disabled and not counts["disabled"]:
        failures.append(
            Failure(
                "disabled",
                _("Nel nucleo deve esserci almeno una persona con disabilità certificata."),
            )
        )
    if set(elig.excluded_calls) & set(facts.awarded_calls):
        failures.append(
            Failure("excluded", _("Il nucleo riceve già un beneficio incompatibile con questo."))
        )
    return tuple(failures)


def compute_amount(rules: CallRules, facts: HouseholdFacts, on: datetime.date) -> int:
    rule = rules.amount
    counts = facts.count(on)
    if rule.kind == "fixed":
        amount = rule.base
    elif rule.kind == "per_member":
        amount = rule.base + rule.per_member * counts["members"]
    else:
        amount = _band_value(rule.bands, facts.isee_value)
        if amount == 0:
            return 0  # ISEE above every band: nothing is due
    amount += (
        rule.extra_per_minor * counts["minors"]
        + rule.extra_per_disabled * counts["disabled"]
        + rule.extra_per_over_75 * counts["over_75"]
    )
    if rule.cap is not None:
        amount = min(amount, rule.cap)
    return amount


def compute_score(rules: CallRules, facts: HouseholdFacts, on: datetime.date) -> int:
    """Points in hundredths (an integer), from the call's scoring rules."""
    scoring = rules.scoring
    counts = facts.count(on)
    points = (
        _band_value(scoring.isee_bands, facts.isee_value)
        + scoring.per_member * counts["members"]
        + scoring.per_minor * counts["minors"]
        + scoring.per_over_75 * counts["over_75"]
        + scoring.per_disabled * counts["disabled"]
    )
    return points * 100


def tie_values(rules: CallRules, facts: HouseholdFacts, on: datetime.date) -> tuple[int, ...]:
    """Sort key after the score, smaller first: descending criteria are negated. Submission
    time is the last tie-break and is applied by the ranking itself."""
    counts = facts.count(on)
    values = []
    for tie in rules.tie_breaks:
        if tie == "isee_asc":
            # No ISEE ranks after every declared value.
            values.append(facts.isee_value if facts.isee_value is not None else 10**15)
        else:
            values.append(-counts[tie.removesuffix("_desc")])
    return tuple(values)


def evaluate(
    rules: CallRules, facts: HouseholdFacts, on: datetime.date, call_municipalities=()
) -> Outcome:
    failures = check_eligibility(rules, facts, on, call_municipalities)
    amount = compute_amount(rules, facts, on) if not failures else 0
    if not failures and amount <= 0:
        failures = (Failure("amount", _("Con questi dati non spetta alcun importo.")),)
    return Outcome(
        eligible=not failures,
        failures=failures,
        amount=amount,
        score=compute_score(rules, facts, on) if not failures else 0,
        tie_values=tie_values(rules, facts, on),
    )


def rank_key(score: int, ties: tuple[int, ...]) -> str:
    """A string whose ascending order is the ranking order: higher score first, then the
    tie-break values (already oriented so that smaller is better)."""
    parts = [f"{10**12 - score:013d}"]
    parts += [f"{value + 10**16:018d}" for value in ties]
    return "-".join(parts)
