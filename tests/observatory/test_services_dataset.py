"""Open data: the marketplace's published services per Comune served and category."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from benecomune.core.models import Membership, Role
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.services import catalogue, signup
from tests.helpers import actor_for
from tests.marketplace.conftest import VATS, admins  # noqa: F401
from tests.marketplace.test_catalogue import service_data

pytestmark = pytest.mark.django_db


def _cooperative(admins, municipality, n):  # noqa: F811
    cache.clear()  # the sign-up's rate limit counts per address
    provider = signup.sign_up(
        name=f"Cooperativa Sociale {n}",
        provider_kind="social_cooperative",
        vat_number=VATS[n],
        fiscal_code=VATS[n],
        register_number=f"A{100000 + n}",
        municipality=municipality,
        address="Via Roma 1",
        description="Servizi alla persona",
        contact_name=f"Titolare {n}",
        email=f"titolare{n}@example.org",
    )
    with all_tenants():
        signup.approve_signup(admins[0], provider, base_url="http://testserver/")
    membership = Membership.objects.get(organization=provider, role=Role.PROVIDER_STAFF)
    return provider, actor_for(membership.user, Role.PROVIDER_STAFF, provider)


def test_published_services_are_counted_per_comune_and_category(
    client,
    admins,  # noqa: F811
    municipality,
    other_municipality,
):
    first, first_actor = _cooperative(admins, municipality, 0)
    second, second_actor = _cooperative(admins, municipality, 1)
    with all_tenants():
        for actor, provider, towns in (
            (first_actor, first, [municipality, other_municipality]),
            (second_actor, second, [municipality]),
        ):
            service = catalogue.create_service(
                actor, provider, **service_data(municipalities_served=towns)
            )
            catalogue.publish(actor, service)
        catalogue.create_service(first_actor, first, **service_data(title="Bozza"))
    response = client.get(reverse("observatory:dataset_csv", args=["servizi-categoria"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "codice_istat",
        "comune",
        "area_utenza",
        "tipo_servizio",
        "servizi",
        "fornitori",
    ]
    found = {(r[0], r[4], r[5]) for r in rows[1:]}
    # The draft is not counted; each Comune served counts its services and providers.
    assert found == {("028063", "2", "2"), ("028045", "1", "1")}
    assert {r[3] for r in rows[1:]} == {"Doposcuola e tutoraggio"}
