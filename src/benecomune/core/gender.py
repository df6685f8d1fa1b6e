"""Words that agree with the person they are about: "benvenuta" for a woman, "benvenuto" for a
man, in one place.

Italian marks the sex of the person addressed on participles and nouns ("accreditato",
"iscritta", "il richiedente"). Where a message is about a known person, its text comes from
`gendered(person, masculine, feminine)`: the person's `sex` (read from the codice fiscale when
the person was registered), else the codice fiscale itself (a woman's day of birth has 40
added: digits 10-11 above 40). When the sex cannot be told, the message uses the `neutral`
wording given, or the masculine one. Where no person is known (an invitation by e-mail), the
text is written neutrally instead.
"""

from benecomune.core.models import Sex


def _from_fiscal_code(code: str) -> str:
    day = (code or "").strip().upper()[9:11]
    if len(day) != 2 or not day.isdigit():
        return ""
    return Sex.FEMALE if int(day) > 40 else Sex.MALE


def sex_of(person) -> str:
    """'F', 'M' or '' (unknown) for a Person, a User (its person), or None."""
    if person is not None and not hasattr(person, "fiscal_code"):
        person = getattr(person, "person", None)  # a user: the person, if any
    if person is None:
        return ""
    return getattr(person, "sex", "") or _from_fiscal_code(getattr(person, "fiscal_code", ""))


def gendered(person, masculine: str, feminine: str, neutral: str | None = None) -> str:
    """The wording that agrees with the person: gendered(person, _("iscritto"), _("iscritta"))."""
    sex = sex_of(person)
    if sex == Sex.FEMALE:
        return feminine
    if sex == Sex.MALE:
        return masculine
    return masculine if neutral is None else neutral
