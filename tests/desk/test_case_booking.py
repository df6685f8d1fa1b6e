"""Booking for a case's person from the orientation page: only the case's own Point, only with
a valid delegation to book and pay (otherwise back to the case with the reason)."""

import pytest

pytestmark = pytest.mark.django_db


def test_booking_for_the_person_needs_a_delegation_and_the_cases_point(
    case, manager, other_manager, operator_client
):
    url = f"/gestione/sportello-welfare/casi/{case.pk}/prenota/999999/"
    response = operator_client(manager).get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/gestione/sportello-welfare/casi/{case.pk}/"
    assert "serve una sua delega" in response.content.decode()
    assert operator_client(other_manager).get(url).status_code == 404
