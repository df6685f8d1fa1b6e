"""Dates in Italian words, in one place.

Month names: Django's Italian catalogue capitalises them ("9 Dicembre 2026"); Italian writes
them lower case ("9 dicembre 2026"). `lowercase_italian_names` (called once by core's
`ready()`) makes every month and weekday name lower case in Italian, wherever a date is written
with its names (the `date` filter's F/E/N/l/D, `formats.date_format`, the e-mails' texts). Our
rule: month and weekday names are always lower case ("mercoledì 9 dicembre"); a heading, a cell
or a line that starts with one capitalises its first letter itself with `|capfirst`
("Mercoledì 9 dicembre", "Dicembre 2026").

Dates after an article: Italian elides "dal", "al", "il"... before a number read with a vowel
("dall'8 dicembre", "all'11 gennaio", "l'1 marzo"). `with_article` writes the article and the
date together, so templates never write "dal {{ day }}".
"""

from django.utils import dates, formats, timezone
from django.utils.functional import lazy
from django.utils.translation import get_language, pgettext

# Days of the month read with a vowel in Italian: uno, otto, undici (80-89 for numbers).
_ELIDED_DAYS = {1, 8, 11}
_ELISIONS = {"il": "l'", "dal": "dall'", "al": "all'", "del": "dell'", "nel": "nell'"}
_lowered = False


def _italian() -> bool:
    return (get_language() or "").startswith("it")


def _lower_in_italian(name):
    return lazy(lambda: str(name).lower() if _italian() else str(name), str)()


def lowercase_italian_names() -> None:
    """Month and weekday names lower case in Italian (see the module's note); English keeps
    them."""
    global _lowered
    if _lowered:
        return
    for names in (
        dates.MONTHS,
        dates.MONTHS_ALT,
        dates.MONTHS_AP,
        dates.WEEKDAYS,
        dates.WEEKDAYS_ABBR,
    ):
        for number, name in list(names.items()):
            names[number] = _lower_in_italian(name)
    _lowered = True


def _article(article: str) -> str:
    """The article or preposition before a date, in the reader's language ("dal" -> "from")."""
    words = {
        "il": pgettext("before a date", "il"),
        "dal": pgettext("before a date", "dal"),
        "al": pgettext("before a date", "al"),
        "del": pgettext("before a date", "del"),
        "nel": pgettext("before a date", "nel"),
    }
    word = words[article]
    # "-": the language has no word there (English "until 9 May" for "fino al 9 maggio").
    return "" if word == "-" else word


def with_article(value, article: str, fmt: str = "j F Y") -> str:
    """'dal 9 dicembre 2026', 'dall'8 dicembre 2026'; in English 'from 8 December 2026'."""
    if not value:
        return ""
    if getattr(value, "tzinfo", None) is not None and timezone.is_aware(value):
        value = timezone.localtime(value)  # the day and the time on the reader's clock (Rome)
    text = formats.date_format(value, fmt)
    if _italian():
        if value.day in _ELIDED_DAYS and fmt.startswith("j"):
            return f"{_ELISIONS[article]}{text}"
        return f"{article} {text}"
    return f"{_article(article)} {text}".strip()


def weekday_name(number: int) -> str:
    """The name of a weekday (0 is Monday, as Python counts), lower case in Italian as written
    mid-sentence ("mercoledì"); a heading capitalises it with `|capfirst`."""
    return str(dates.WEEKDAYS[number])
