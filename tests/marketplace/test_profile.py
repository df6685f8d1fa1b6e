"""The provider's "Profilo": the owner edits it (validated codice fiscale, IBAN, register
number), HTML in the description is shown escaped, logos and photos are checked and resized,
operators cannot edit; the shops of the voucher circuit have the same page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benecomune.core.models import AuditEvent, Membership, Role
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import ProviderImage, ProviderProfile, StaffRole
from benecomune.marketplace.services import profiles
from benecomune.marketplace.services.images import LOGO_EDGE, MAX_IMAGE_BYTES
from tests.helpers import actor_for, login
from tests.marketplace.conftest import VATS, png

pytestmark = pytest.mark.django_db


def data(municipality, **changes):
    values = {
        "fiscal_code": VATS[0],
        "register_number": "A100000",
        "iban": "IT60 X054 2811 1010 0000 0123 456",
        "iban_holder": "Cooperativa Sociale 0",
        "description": "Assistenza <script>alert(1)</script> e <b>doposcuola</b>",
        "website": "https://coop.example.org",
        "contact_name": "Anna",
        "contact_email": "anna@example.org",
        "contact_phone": "049 1",
        "service_points": "Sede, via Roma 1\n\nCentro diurno, via Po 2",
        "municipalities_served": [municipality.pk],
        "sells_services": "on",
        "publication": "published",
    }
    values.update(changes)
    return values


def test_owner_edits_the_profile_and_html_is_escaped(client, make_provider, municipality):
    provider, owner = make_provider()
    page = login(client, owner.user, owner.membership)
    response = page.post(reverse("marketplace:profile"), data(municipality))
    assert response.status_code == 302
    with all_tenants():
        profile = ProviderProfile.objects.get(provider=provider)
    assert profile.iban == "IT60X0542811101000000123456"
    assert profile.sells_services and profile.publication == "published"
    assert profile.service_point_list == ["Sede, via Roma 1", "Centro diurno, via Po 2"]
    assert list(profile.municipalities_served.all()) == [municipality]
    event = AuditEvent.objects_unscoped.filter(action="marketplace.profile_updated").last()
    assert event.actor == owner.user and event.after["iban"] == profile.iban
    html = page.get(reverse("marketplace:profile")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html and "<b>doposcuola</b>" not in html


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"fiscal_code": "12345678901"}, "codice fiscale 12345678901 non è valido"),
        ({"iban": "IT60X0542811101000000123457"}, "non è valido"),
        ({"register_number": ""}, "RUNTS"),
        ({"website": "javascript:alert(1)"}, "Indirizzo del sito non valido"),
        ({"description": "x" * 4001}, "4000"),
        ({"description": "", "publication": "published"}, "Per pubblicare"),
    ],
)
def test_bad_profile_input_changes_nothing(
    client, make_provider, municipality, changes, field_message
):
    provider, owner = make_provider()
    with all_tenants():
        before = ProviderProfile.objects.get(provider=provider)
    events = AuditEvent.objects_unscoped.count()
    page = login(client, owner.user, owner.membership)
    response = page.post(reverse("marketplace:profile"), data(municipality, **changes))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    with all_tenants():
        after = ProviderProfile.objects.get(provider=provider)
    assert (after.fiscal_code, after.iban, after.description) == (
        before.fiscal_code,
        before.iban,
        before.description,
    )
    assert AuditEvent.objects_unscoped.count() == events


def test_operator_cannot_edit(client, make_provider, make_user, municipality):
    provider, owner = make_provider()
    user = make_user("operatore@example.org", role=Role.PROVIDER_STAFF, organization=provider)
    membership = Membership.objects.get(user=user, organization=provider)
    # A member without a row is an operator once the provider has an owner.
    page = login(client, user, membership)
    response = page.get(reverse("marketplace:profile"))
    assert "Solo il titolare" in response.content.decode()
    assert page.post(reverse("marketplace:profile"), data(municipality)).status_code == 403
    # The owner makes them owner too: now they may.
    with all_tenants():
        profiles.set_staff_role(owner, membership, StaffRole.OWNER)
        # And the last owner cannot step down while another stays owner? Both are owners.
        profiles.set_staff_role(
            actor_for(user, Role.PROVIDER_STAFF, provider), owner.membership, StaffRole.OPERATOR
        )
    assert page.post(reverse("marketplace:profile"), data(municipality)).status_code == 302


def test_provider_keeps_an_owner(make_provider):
    _provider, owner = make_provider()
    from django.core.exceptions import ValidationError

    with all_tenants(), pytest.raises(ValidationError, match="almeno un titolare"):
        profiles.set_staff_role(owner, owner.membership, StaffRole.OPERATOR)


def test_logo_is_resized_and_served_to_the_provider_only(client, make_provider, municipality):
    provider, owner = make_provider()
    page = login(client, owner.user, owner.membership)
    response = page.post(
        reverse("marketplace:image_add"), {"kind": "logo", "image": png(2000, 1000), "alt_text": ""}
    )
    assert response.status_code == 302
    with all_tenants():
        image = ProviderImage.objects.get(provider=provider)
    assert (image.width, image.height) == (LOGO_EDGE, LOGO_EDGE // 2)
    from PIL import Image

    with image.file.open("rb") as handle, Image.open(handle) as stored:
        assert stored.size == (LOGO_EDGE, LOGO_EDGE // 2)
    url = reverse("core:file", args=["marketplace-image", image.pk])
    served = page.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    # A second logo replaces the first.
    page.post(reverse("marketplace:image_add"), {"kind": "logo", "image": png(100, 100)})
    with all_tenants():
        assert ProviderImage.objects.filter(provider=provider).count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("logo.png", b"GIF89a not a png", content_type="image/png"),
            "non è un documento accettato",
        ),
        (
            SimpleUploadedFile(
                "logo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, content_type="image/png"
            ),
            "danneggiata",
        ),
        (SimpleUploadedFile("logo.pdf", b"%PDF-1.4 a pdf", content_type="application/pdf"), "PNG"),
        (
            SimpleUploadedFile(
                "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_IMAGE_BYTES, content_type="image/png"
            ),
            "troppo grande",
        ),
    ],
)
def test_not_an_image_or_oversized_is_refused(client, make_provider, upload, message):
    provider, owner = make_provider()
    page = login(client, owner.user, owner.membership)
    response = page.post(
        reverse("marketplace:image_add"), {"kind": "logo", "image": upload}, follow=True
    )
    assert message in response.content.decode()
    with all_tenants():
        assert not ProviderImage.objects.filter(provider=provider).exists()
    assert not AuditEvent.objects_unscoped.filter(action="marketplace.image_added").exists()


def test_photo_needs_a_description(make_provider):
    provider, owner = make_provider()
    from django.core.exceptions import ValidationError

    with all_tenants(), pytest.raises(ValidationError, match="Descriva la foto"):
        profiles.add_image(owner, provider, png(), kind="photo", alt_text="")


def test_photo_metadata_is_dropped(make_provider):
    from PIL import Image

    provider, owner = make_provider()
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera"  # Make
    Image.new("RGB", (300, 200)).save(out, format="JPEG", exif=exif.tobytes())
    upload = SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")
    with all_tenants():
        image = profiles.add_image(owner, provider, upload, kind="photo", alt_text="La sede")
    with image.file.open("rb") as handle, Image.open(handle) as stored:
        assert not stored.getexif()


def test_voucher_shop_has_the_same_profile(client, shop, make_user):
    user = make_user("cassa@example.org", role=Role.MERCHANT_STAFF, organization=shop)
    membership = Membership.objects.get(user=user, organization=shop)
    page = login(client, user, membership)
    response = page.get(reverse("marketplace:profile"))
    assert response.status_code == 200
    assert "Salva il profilo" in response.content.decode()  # its only member: owner
