"""Ranking pages: the whole path through the jobs (inline Celery), publication without names."""

import re

import pytest

from benecomune.calls.models import CallStatus
from benecomune.calls.services import definition
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from tests.calls.factories import admitted_application
from tests.calls.test_ranking_award import SIMPLE_RULES

pytestmark = pytest.mark.django_db


def _fingerprint(client, url) -> str:
    """The summary's fingerprint from its confirmation page (tests/calls/test_confirm_award)."""
    html = client.get(url).content.decode()
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)


def test_admin_ranks_and_awards_from_the_page(
    staff_client,
    make_call,
    make_person,
    municipality,
    admin_actor,
    django_capture_on_commit_callbacks,
):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    call = make_call(rules=SIMPLE_RULES, budget=15_000)
    people = [make_person(municipality, first_name=n, last_name="Verdi") for n in ("Ada", "Bea")]
    apps = [
        admitted_application(call, p, isee=100_000 * (i + 1), minutes=i)
        for i, p in enumerate(people)
    ]
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test")
    url = f"/gestione/bandi/{call.pk}/graduatoria/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}avvia/provisional/")
    page = client.get(url).content.decode()
    assert apps[0].protocol in page and "Idonea non finanziata" in page
    # final before the appeal window ends needs a reason, then the confirmed summary
    confirmed = {"confirmed": "on", "fingerprint": _fingerprint(client, f"{url}conferma/final/")}
    response = client.post(f"{url}avvia/final/", confirmed, follow=True)
    assert "motivo" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}avvia/final/", {"reason": "Nessun ricorso presentato", **confirmed})
    confirmed = {"confirmed": "on", "fingerprint": _fingerprint(client, f"{url}conferma/award/")}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}avvia/award/", confirmed)
    call.refresh_from_db()
    assert call.status == CallStatus.AWARDED
    csv_text = b"".join(client.get(f"{url}final.csv").streaming_content).decode()
    assert apps[0].protocol in csv_text and "Verdi" not in csv_text
    pdf = client.get(f"{url}final.pdf")
    assert pdf.content.startswith(b"%PDF")
    # published on the Comune's public site, for anyone
    from django.test import Client

    public = Client().get(f"/{municipality.slug}/bandi/{call.code}/graduatoria-final.csv")
    assert public.status_code == 200


def test_desk_operator_cannot_start_a_ranking(staff_client, make_call, municipality):
    client, _u, _m = staff_client(Role.DESK_OPERATOR, municipality)
    call = make_call(rules=SIMPLE_RULES)
    assert client.get(f"/gestione/bandi/{call.pk}/graduatoria/").status_code == 200
    assert (
        client.post(f"/gestione/bandi/{call.pk}/graduatoria/avvia/provisional/").status_code == 403
    )


def test_other_comune_staff_gets_404(staff_client, make_call, other_municipality):
    client, _u, _m = staff_client(Role.MUNICIPALITY_ADMIN, other_municipality)
    call = make_call(rules=SIMPLE_RULES)
    assert client.get(f"/gestione/bandi/{call.pk}/graduatoria/").status_code == 404
