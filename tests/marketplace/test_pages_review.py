"""What the review of the marketplace's pages, as their users see them, fixed: lists of
choices drawn as checkboxes, errors under the field they are about (with the typed values
kept), buttons and messages that say what they do, the maker-checker's buttons shown only to
whom may use them, and the shop's "Chiuso ora"."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from benecomune.core.models import Membership, Role
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import OpeningException, ProviderImage
from benecomune.marketplace.services import accreditation as services
from tests.helpers import login
from tests.marketplace.conftest import pdf, upload_all

pytestmark = pytest.mark.django_db


def error_under(page: str, field_id: str) -> str:
    """The text of the error shown under the field `field_id` (fails when there is none),
    which the field points to with aria-describedby."""
    assert f'aria-describedby="{field_id}-error"' in page, f"{field_id} does not point to it"
    parts = page.split(f'id="{field_id}-error"', 1)
    assert len(parts) == 2, f"no error under {field_id}"
    return parts[1].split("</div>", 1)[0]


def owner_page(client, owner):
    return login(client, owner.user, owner.membership)


def test_comuni_served_are_checkboxes_with_their_labels(client, make_provider, municipality):
    _provider, owner = make_provider()
    page = owner_page(client, owner).get(reverse("marketplace:profile")).content.decode()
    fieldset = page.split('data-testid="choices-municipalities_served"', 1)[1]
    fieldset = fieldset.split("</fieldset>", 1)[0]
    assert "<legend" in fieldset and "Comuni serviti" in fieldset
    assert 'type="checkbox"' in fieldset
    assert f">{municipality.name}</label>" in fieldset
    assert "form-control" not in fieldset


def test_a_file_that_is_not_an_image_is_told_under_the_field(client, make_provider):
    provider, owner = make_provider()
    response = owner_page(client, owner).post(
        reverse("marketplace:image_add"),
        {
            "kind": "photo",
            "image": SimpleUploadedFile("foto.png", b"not an image", content_type="image/png"),
            "alt_text": "La sede della cooperativa",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "JPEG, PNG" in error_under(page, "id_image")
    assert 'value="La sede della cooperativa"' in page  # what was typed is kept
    with all_tenants():
        assert not ProviderImage.objects.filter(provider=provider).exists()


def test_evidence_errors_are_under_their_fields_and_dates_kept(client, make_provider, checklist):
    provider, owner = make_provider()
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        requirement = next(
            item for item, _ in services.checklist(accreditation) if item.needs_expiry
        )
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = owner_page(client, owner).post(
        reverse("marketplace:my_accreditation", args=[accreditation.pk]),
        {"requirement": requirement.pk, "file": pdf(), "issued_on": future, "expires_on": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    pk = requirement.pk
    assert "futura" in error_under(page, f"issued-{pk}")
    assert "scadenza" in error_under(page, f"expires-{pk}")
    assert f'value="{future}"' in page
    assert "Carica il documento" in page


def decide(client, admin, accreditation, action, reason=""):
    page = login(client, admin.user, admin.membership)
    url = reverse("marketplace:review", args=[accreditation.pk])
    return page.post(url, {"action": action, "reason": reason}, follow=True).content.decode()


def test_the_maker_sees_no_decision_buttons_the_checker_does(
    client, make_provider, checklist, admins
):
    provider, owner = make_provider()
    maker, checker = admins
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        upload_all(owner, accreditation, today=timezone.localdate())
        services.submit(owner, accreditation)
    page = decide(client, maker, accreditation, "review")
    assert "Domanda presa in esame" in page and "Fatto." not in page
    with all_tenants():
        for _requirement, evidence in services.checklist(accreditation):
            if evidence is not None:
                services.verify_evidence(maker, evidence)
    url = reverse("marketplace:review", args=[accreditation.pk])
    page = login(client, maker.user, maker.membership).get(url).content.decode()
    assert "la decisione spetta a un altro amministratore" in page
    assert 'value="accredit"' not in page and 'value="reject"' not in page
    page = decide(client, checker, accreditation, "accredit")
    assert "Fornitore accreditato" in page
    assert "in esame da" not in page  # decided: no longer "in review by"
    assert "Sospendi l&#x27;accreditamento" in page or "Sospendi l'accreditamento" in page


def test_a_wrong_closure_is_told_under_its_field(client, shop, make_user):
    user = make_user("titolare@bepi.example.org", role=Role.MERCHANT_STAFF, organization=shop)
    membership = Membership.objects.get(user=user, organization=shop)
    page = login(client, user, membership)
    response = page.post(
        reverse("marketplace:closure_add"),
        {"start_date": "2026-08-20", "end_date": "2026-08-10", "note": "Ferie estive"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "prima del primo" in error_under(content, "id_end_date")
    assert 'value="Ferie estive"' in content
    assert not OpeningException.objects_unscoped.filter(provider=shop).exists()


def test_the_week_shows_each_slots_name_on_a_phone_and_chiuso_ora(client, shop, make_user):
    user = make_user("titolare@bepi.example.org", role=Role.MERCHANT_STAFF, organization=shop)
    membership = Membership.objects.get(user=user, organization=shop)
    page = login(client, user, membership).get(reverse("marketplace:shop_hours")).content
    page = page.decode()
    assert 'class="table table-sm align-middle bc-week"' in page
    assert 'data-label="Pomeriggio"' in page
    assert "Chiuso ora" in page  # no slots: closed now, said as such
