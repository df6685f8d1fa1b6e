"""The demo agenda: after seed_demo, the home care service of the demo cooperative shows
slots on its public calendar, the summer camp and the reading lab have their series, and
seeding again adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from benecomune.bookings.models import Resource, Series, ServiceSchedule
from benecomune.core.models import Municipality
from benecomune.marketplace.models import Service

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_agenda_with_slots(client):
    call_command("seed_demo", stdout=io.StringIO())
    service = Service.objects_unscoped.get(
        title="Assistenza domiciliare", provider__slug="coop-jonathan"
    )
    assert ServiceSchedule.objects_unscoped.filter(service=service).exists()
    assert Series.objects_unscoped.filter(title__startswith="Centro estivo").count() == 2
    municipality = Municipality.objects.filter(network=service.provider.network).first()
    response = client.get(reverse("bookings:slots", args=[municipality.slug, service.pk]))
    assert response.status_code == 200
    assert (
        "posto libero" in response.content.decode() or "posti liberi" in response.content.decode()
    )
    counts = (Resource.objects_unscoped.count(), Series.objects_unscoped.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Resource.objects_unscoped.count(), Series.objects_unscoped.count()) == counts
