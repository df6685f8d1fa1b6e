"""A call's rules in plain Italian, for staff, citizens and the public pages.

`describe_rules(rules)` returns a list of sentences; `describe_sections(rules)` returns the same
sentences grouped (who may apply, how much, score, ties, declarations, documents) for pages
that show them under headings. Both accept the rules JSON of a call or a parsed `CallRules`.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benecomune.calls import rules as engine
from benecomune.ledger.money import format_euro

# Why a household does not qualify (codes of rules.Failure), for the dry run and statistics.
FAILURE_LABELS = {
    "residence": gettext_lazy("non risiede in uno dei Comuni del bando"),
    "isee_missing": gettext_lazy("senza un ISEE valido nell'anno in corso"),
    "isee_over": gettext_lazy("ISEE sopra la soglia"),
    "members": gettext_lazy("nucleo con meno componenti del minimo"),
    "minor": gettext_lazy("nessun minore nel nucleo"),
    "over_75": gettext_lazy("nessuna persona over 75 nel nucleo"),
    "disabled": gettext_lazy("nessuna persona con disabilità nel nucleo"),
    "excluded": gettext_lazy("riceve già un beneficio incompatibile"),
    "amount": gettext_lazy("con i suoi dati non spetta alcun importo"),
}

SECTION_TITLES = {
    "eligibility": gettext_lazy("Chi può partecipare"),
    "amount": gettext_lazy("Quanto spetta"),
    "scoring": gettext_lazy("Punteggio"),
    "tie_breaks": gettext_lazy("A parità di punteggio"),
    "declarations": gettext_lazy("Dichiarazioni richieste"),
    "documents": gettext_lazy("Documenti da allegare"),
}


def failure_label(code: str) -> str:
    return str(FAILURE_LABELS.get(code, code))


def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s e %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _bands_text(bands, value_text) -> list[str]:
    """'fino a € 3.000,00: € 400,00', 'da € 3.000,01 a € 6.000,00: ...' for ascending bands."""
    parts, floor = [], None
    for band in bands:
        if floor is None:
            span = _("ISEE fino a %(max)s") % {"max": format_euro(band.isee_max)}
        else:
            span = _("ISEE da %(min)s a %(max)s") % {
                "min": format_euro(floor + 1),
                "max": format_euro(band.isee_max),
            }
        parts.append(f"{span}: {value_text(band.value)}")
        floor = band.isee_max
    return parts


def _points(n: int) -> str:
    return ngettext("%(n)s punto", "%(n)s punti", n) % {"n": n}


def _municipality_names(ids) -> list[str]:
    from benecomune.core.models import Organization

    names = dict(Organization.objects.filter(pk__in=list(ids)).values_list("pk", "name"))
    return sorted(names[i] for i in ids if i in names)


def _call_titles(ids) -> list[str]:
    from benecomune.calls.models import Call

    # Titles only, for the text: the calls may belong to another Comune of the network.
    titles = dict(Call.objects_unscoped.filter(pk__in=list(ids)).values_list("pk", "title"))
    return [titles[i] for i in ids if i in titles]


def _eligibility(parsed, municipality_ids, municipality_names, excluded_titles) -> list[str]:
    elig = parsed.eligibility
    out = []
    ids = list(elig.municipalities or municipality_ids or ())
    if municipality_names is None and ids:
        municipality_names = _municipality_names(ids)
    if municipality_names:
        out.append(
            ngettext(
                "Possono partecipare i nuclei familiari residenti nel Comune di %(names)s.",
                "Possono partecipare i nuclei familiari residenti nei Comuni di %(names)s.",
                len(municipality_names),
            )
            % {"names": _join(municipality_names)}
        )
    if elig.isee_max is not None:
        out.append(
            _(
                "ISEE del nucleo non superiore a %(max)s, con un'attestazione rilasciata "
                "nell'anno in corso (vale fino al 31 dicembre)."
            )
            % {"max": format_euro(elig.isee_max)}
        )
    elif parsed.amount.kind == "isee_bands":
        out.append(
            _(
                "Serve un'attestazione ISEE rilasciata nell'anno in corso (vale fino al "
                "31 dicembre): l'importo dipende dal suo valore."
            )
        )
    if elig.min_members and elig.min_members > 1:  # "at least one member" says nothing
        out.append(
            ngettext(
                "Il nucleo deve avere almeno %(n)s componente.",
                "Il nucleo deve avere almeno %(n)s componenti.",
                elig.min_members,
            )
            % {"n": elig.min_members}
        )
    if elig.requires_minor:
        out.append(_("Nel nucleo deve esserci almeno un minore (meno di 18 anni)."))
    if elig.requires_over_75:
        out.append(_("Nel nucleo deve esserci almeno una persona di 75 anni o più."))
    if elig.requires_disabled:
        out.append(_("Nel nucleo deve esserci almeno una persona con disabilità certificata."))
    if elig.excluded_calls:
        titles = (
            excluded_titles if excluded_titles is not None else _call_titles(elig.excluded_calls)
        )
        if titles:
            out.append(
                _("Non può partecipare chi riceve già: %(titles)s.")
                % {"titles": _join([f"«{t}»" for t in titles])}
            )
    if not out:
        out.append(_("Nessun requisito particolare oltre alla residenza."))
    return out


def _amount(parsed) -> list[str]:
    rule = parsed.amount
    out = []
    if rule.kind == "fixed":
        out.append(
            _("Importo fisso di %(amount)s per nucleo.") % {"amount": format_euro(rule.base)}
        )
    elif rule.kind == "per_member":
        text = _("%(amount)s per ogni componente del nucleo") % {
            "amount": format_euro(rule.per_member)
        }
        if rule.base:
            text += _(", più una quota fissa di %(base)s") % {"base": format_euro(rule.base)}
        out.append(text + ".")
    else:
        bands = _bands_text(rule.bands, format_euro)
        out.append(_("Importo secondo la fascia ISEE: %(bands)s.") % {"bands": "; ".join(bands)})
        out.append(
            _("Con un ISEE oltre %(max)s non spetta alcun importo.")
            % {"max": format_euro(rule.bands[-1].isee_max)}
        )
    for value, text in (
        (rule.extra_per_minor, _("In più, %(amount)s per ogni minore.")),
        (rule.extra_per_disabled, _("In più, %(amount)s per ogni persona con disabilità.")),
        (rule.extra_per_over_75, _("In più, %(amount)s per ogni persona di 75 anni o più.")),
    ):
        if value:
            out.append(text % {"amount": format_euro(value)})
    if rule.cap is not None:
        out.append(_("Importo massimo per nucleo: %(cap)s.") % {"cap": format_euro(rule.cap)})
    return out


def _scoring(parsed) -> list[str]:
    scoring = parsed.scoring
    out = []
    if scoring.isee_bands:
        bands = _bands_text(scoring.isee_bands, _points)
        out.append(_("Punti per fascia ISEE: %(bands)s.") % {"bands": "; ".join(bands)})
    for value, text in (
        (scoring.per_member, _("%(points)s per ogni componente del nucleo.")),
        (scoring.per_minor, _("%(points)s per ogni minore.")),
        (scoring.per_over_75, _("%(points)s per ogni persona di 75 anni o più.")),
        (scoring.per_disabled, _("%(points)s per ogni persona con disabilità.")),
    ):
        if value:
            out.append(text % {"points": _points(value)})
    return out


def _tie_breaks(parsed) -> list[str]:
    labels = [str(engine.TIE_BREAKS[t]) for t in parsed.tie_breaks]
    labels.append(_("ordine di presentazione della domanda"))
    return [_("Prevale, nell'ordine: %(labels)s.") % {"labels": ", ".join(labels)}]


def describe_sections(
    call_rules,
    *,
    municipality_ids=None,
    municipality_names=None,
    excluded_titles=None,
) -> dict[str, list[str]]:
    """Sentences by section (keys of SECTION_TITLES; empty sections are omitted).

    `municipality_ids`: the call's Comuni (its shares) when the rules do not list them;
    names and titles are looked up when not given."""
    parsed = (
        call_rules if isinstance(call_rules, engine.CallRules) else engine.parse_rules(call_rules)
    )
    scoring = _scoring(parsed)
    sections = {
        "eligibility": _eligibility(parsed, municipality_ids, municipality_names, excluded_titles),
        "amount": _amount(parsed),
        "scoring": scoring,
        # Ties only matter when there is a ranking by points (or explicit tie-breaks).
        "tie_breaks": _tie_breaks(parsed) if scoring or parsed.tie_breaks else [],
        "declarations": [d.text for d in parsed.declarations],
        "documents": [
            _("%(label)s (obbligatorio)") % {"label": d.label}
            if d.required
            else _("%(label)s (facoltativo)") % {"label": d.label}
            for d in parsed.documents
        ],
    }
    return {key: value for key, value in sections.items() if value}


def describe_rules(call_rules, **kwargs) -> list[str]:
    """The rules as a flat list of plain-Italian sentences."""
    return [s for sentences in describe_sections(call_rules, **kwargs).values() for s in sentences]


def describe_call(call) -> list[dict]:
    """The sections of a call's rules with their titles: [{"key", "title", "sentences"}]."""
    from benecomune.calls.services.facts import call_municipality_ids

    sections = describe_sections(call.rules, municipality_ids=call_municipality_ids(call))
    return [
        {"key": key, "title": str(SECTION_TITLES[key]), "sentences": sentences}
        for key, sentences in sections.items()
    ]


__all__ = [
    "FAILURE_LABELS",
    "SECTION_TITLES",
    "describe_call",
    "describe_rules",
    "describe_sections",
    "failure_label",
]
