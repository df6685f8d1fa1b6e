"""A NUL byte (or another control character) typed in a search box or a URL: 400 with an
Italian message before any query, on every list; on PostgreSQL it was a 500 ("A string literal
cannot contain NUL")."""

import pytest
from django.urls import reverse

from benecomune.core.models import Role

# (role, list page, filter parameter): every search box and text filter of the staff lists.
LISTS = [
    (Role.MUNICIPALITY_ADMIN, "core:people", "q"),
    (Role.MUNICIPALITY_ADMIN, "core:audit", "person"),
    (Role.MUNICIPALITY_ADMIN, "core:audit", "actor"),
    (Role.MUNICIPALITY_ADMIN, "core:audit", "object"),
    (Role.MUNICIPALITY_ADMIN, "vouchers:circuit", "q"),
    (Role.MUNICIPALITY_ADMIN, "calls:review_list", "q"),
    (Role.MUNICIPALITY_ADMIN, "calls:call_list", "stato"),
    (Role.MUNICIPALITY_ADMIN, "payouts:orders", "q"),
    (Role.MUNICIPALITY_ADMIN, "payouts:payer_notes", "stato"),
    (Role.DESK_OPERATOR, "vouchers:desk", "q"),
    (Role.DESK_OPERATOR, "calls:desk_home", "q"),
]
REFUSED = "caratteri non ammessi"


@pytest.mark.parametrize(("role", "name", "param"), LISTS)
def test_a_nul_byte_in_a_filter_is_refused_in_italian(
    staff_client, municipality, role, name, param
):
    client, _user, _membership = staff_client(role, municipality)
    url = reverse(name)
    assert client.get(url, {param: "Rossi"}).status_code == 200  # the filter itself works

    response = client.get(url, {param: "Ros\x00si"})

    assert response.status_code == 400
    assert REFUSED in response.content.decode()


@pytest.mark.parametrize("value", ["\x01", "\x1b[0m", "\x7f", "a\x00"])
def test_other_control_characters_in_the_query_are_refused(staff_client, municipality, value):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get(reverse("core:people"), {"q": value})
    assert response.status_code == 400


def test_a_control_character_in_a_parameter_name_is_refused(staff_client, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get(reverse("core:people") + "?q%00=1")
    assert response.status_code == 400


def test_a_nul_byte_in_a_public_address_is_refused(client, municipality):
    # The first segment is looked up as a Comune's slug.
    response = client.get("/%00/")
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_a_nul_byte_in_a_form_is_refused_and_nothing_is_saved(staff_client, municipality):
    from benecomune.core.models import Person

    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    before = Person.objects_unscoped.count()
    response = client.post(
        reverse("core:person_create"), {"first_name": "Ma\x00rio", "last_name": "Rossi"}
    )
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert Person.objects_unscoped.count() == before


def test_tabs_and_new_lines_in_a_form_are_kept(staff_client, municipality):
    # A text area may hold them: only NUL is refused in form data.
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.post(reverse("core:person_create"), {"last_name": "Rossi\tBianchi\r\n"})
    assert response.status_code != 400


def test_the_api_refuses_it_in_json(api_client, db):
    response = api_client.get("/api/v1/health", {"q": "\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert REFUSED in response.json()["message"]
