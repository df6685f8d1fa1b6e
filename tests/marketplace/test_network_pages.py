"""The network's checklist page (defaults, a new item, bad input) and the profile page with
its images."""

import pytest
from django.urls import reverse

from benecomune.core.models import AuditEvent
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import AccreditationRequirement
from benecomune.marketplace.services import profiles
from benecomune.marketplace.services.checklist import DEFAULTS, ensure_default_checklist
from tests.helpers import login
from tests.marketplace.conftest import png

pytestmark = pytest.mark.django_db


def test_checklist_page_seeds_defaults_once_and_adds_items(client, network, admins):
    page = login(client, admins[0].user, admins[0].membership)
    url = reverse("marketplace:checklist")
    assert page.get(url).status_code == 200
    page.post(url, {"action": "seed"})
    page.post(url, {"action": "seed"})
    assert AccreditationRequirement.objects_unscoped.filter(network=network).count() == len(
        DEFAULTS
    )
    assert AuditEvent.objects_unscoped.filter(action="marketplace.checklist_seeded").count() == 1
    response = page.post(url, {"action": "add", "group": "technical", "title": ""})
    assert response.status_code == 200
    assert AccreditationRequirement.objects_unscoped.filter(network=network).count() == len(
        DEFAULTS
    )
    page.post(
        url,
        {
            "action": "add",
            "group": "technical",
            "title": "Attestato HACCP",
            "areas": ["wellbeing"],
            "required": "on",
        },
    )
    item = AccreditationRequirement.objects_unscoped.get(network=network, title="Attestato HACCP")
    assert item.areas == ["wellbeing"] and item.required and not item.needs_expiry
    assert item.applies_to("wellbeing") and not item.applies_to("home")
    assert "Attestato HACCP" in page.get(url).content.decode()


def test_a_networks_own_changes_survive_seeding(network, admins):
    with all_tenants():
        ensure_default_checklist(admins[0], network)
        durc = AccreditationRequirement.objects_unscoped.get(network=network, key="durc")
        from benecomune.marketplace.services.checklist import save_requirement

        save_requirement(
            admins[0], network, durc, group="economic", title="DURC aggiornato", required=False
        )
        assert ensure_default_checklist(admins[0], network) == []
    durc.refresh_from_db()
    assert durc.title == "DURC aggiornato" and not durc.required


def test_provider_cannot_open_network_pages(client, make_provider):
    _provider, owner = make_provider()
    page = login(client, owner.user, owner.membership)
    assert page.get(reverse("marketplace:checklist")).status_code == 403
    assert page.get(reverse("marketplace:network_home")).status_code == 403


def test_profile_page_shows_images_through_the_checked_view(client, make_provider):
    provider, owner = make_provider()
    with all_tenants():
        image = profiles.add_image(owner, provider, png(), kind="photo", alt_text="La sede")
    page = login(client, owner.user, owner.membership)
    html = page.get(reverse("marketplace:profile")).content.decode()
    assert f'src="{reverse("core:file", args=["marketplace-image", image.pk])}"' in html
    assert 'alt="La sede"' in html
    remove = reverse("marketplace:image_remove", args=[image.pk])
    assert page.post(remove).status_code == 302
    assert AuditEvent.objects_unscoped.filter(action="marketplace.image_removed").count() == 1
