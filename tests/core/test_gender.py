"""Words that agree with the person: one helper (core.gender) reads the sex of the person, or
their codice fiscale (a woman's day of birth + 40); pages addressing a known person use it,
and a person whose sex is unknown gets the neutral wording."""

import pytest
from django.urls import reverse

from benecomune.core.gender import gendered, sex_of
from benecomune.core.models import Person, Role
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_the_ending_follows_the_sex_or_the_codice_fiscale(make_person, make_user, municipality):
    anna = make_person(municipality, first_name="Anna", sex="F")
    mario = make_person(municipality, first_name="Mario", sex="M")
    assert gendered(anna, "accreditato", "accreditata") == "accreditata"
    assert gendered(mario, "accreditato", "accreditata") == "accreditato"
    # A user speaks for their person.
    assert (
        gendered(make_user("anna@example.org", person=anna), "iscritto", "iscritta") == "iscritta"
    )
    # Without the sex recorded, the codice fiscale tells it: day 41-71 is a woman's.
    assert sex_of(Person(fiscal_code=anna.fiscal_code)) == "F"
    assert sex_of(Person(fiscal_code=mario.fiscal_code)) == "M"
    # Nobody known: the neutral wording, else the masculine.
    assert gendered(None, "benvenuto", "benvenuta", "le diamo il benvenuto") == (
        "le diamo il benvenuto"
    )
    assert gendered(make_user("staff@example.org"), "uscito", "uscita") == "uscito"


@pytest.mark.parametrize(
    ("sex", "message"),
    [("F", "È uscita dalla piattaforma."), ("M", "È uscito dalla piattaforma.")],
)
def test_the_logout_message_agrees_with_the_person(
    client, make_person, make_user, municipality, sex, message
):
    person = make_person(municipality, first_name="Ada", sex=sex)
    login(client, make_user("ada@example.org", person=person))
    page = client.post(reverse("core:logout"), follow=True).content.decode()
    assert message in page


def test_a_staff_member_without_a_person_reads_a_neutral_logout(client, make_user, municipality):
    login(client, make_user("op@example.org", role=Role.DESK_OPERATOR, organization=municipality))
    page = client.post(reverse("core:logout"), follow=True).content.decode()
    assert "Sessione chiusa: è fuori dalla piattaforma." in page
    assert "È uscito" not in page
