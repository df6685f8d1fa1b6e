"""core.dates: dates after an article, in Italian (elided) and in English (its catalogue)."""

import datetime

from django.utils import translation

from benecomune.core.dates import with_article

DAY_8 = datetime.date(2026, 12, 8)
DAY_9 = datetime.date(2026, 12, 9)


def test_italian_elides_before_one_eight_and_eleven_and_writes_months_lower_case():
    with translation.override("it"):
        assert with_article(DAY_8, "dal", "j F") == "dall'8 dicembre"
        assert with_article(DAY_9, "dal", "j F") == "dal 9 dicembre"
        assert with_article(datetime.date(2027, 1, 11), "al", "j F Y") == "all'11 gennaio 2027"
        assert with_article(datetime.date(2027, 3, 1), "il", "j F") == "l'1 marzo"


def test_english_uses_the_catalogue_and_no_word_where_english_has_none():
    with translation.override("en"):
        assert with_article(DAY_8, "dal", "j F") == "from 8 December"
        # "fino al 9 dicembre" -> "until 9 December": the sentence says "until", not "to".
        assert with_article(DAY_9, "al", "j F") == "9 December"
        assert with_article(DAY_9, "il", "j F") == "9 December"
