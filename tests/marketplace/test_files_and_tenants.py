"""Cross-tenant: a provider's staff cannot see or edit another provider's documents, images
or accreditation pages (404); the network's administrators see only their own network's;
anonymous visitors go to the login page. Every file kind: anonymous, other tenant, owner."""

import pytest
from django.urls import reverse

from benecomune.core.models import Network, Role
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import AccreditationEvidence
from benecomune.marketplace.services import accreditation as services
from benecomune.marketplace.services import profiles
from tests.helpers import login
from tests.marketplace.conftest import pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(accredited):
    provider, owner, accreditation = accredited
    with all_tenants():
        image = profiles.add_image(owner, provider, png(), kind="logo")
    evidence = AccreditationEvidence.objects_unscoped.filter(accreditation=accreditation).first()
    return {
        "marketplace-evidence": evidence.pk,
        "marketplace-image": image.pk,
    }


def file_url(kind, pk):
    return reverse("core:file", args=[kind, pk])


@pytest.mark.parametrize("kind", ["marketplace-evidence", "marketplace-image"])
def test_each_file_kind_anonymous_other_tenant_owner_network(
    client, kind, files, accredited, make_provider, admins, make_actor
):
    _provider, owner, _accreditation = accredited
    url = file_url(kind, files[kind])
    # Anonymous: the login page.
    response = client.get(url)
    assert response.status_code == 302 and "/accedi/" in response["Location"]
    # Another provider's staff: 404, as for a file that does not exist.
    _other, other_owner = make_provider()
    page = login(client, other_owner.user, other_owner.membership)
    assert page.get(url).status_code == 404
    # The owner: the file, never cached.
    page = login(client, owner.user, owner.membership)
    response = page.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    # The network's administrator: yes; another network's: 404.
    page = login(client, admins[0].user, admins[0].membership)
    assert page.get(url).status_code == 200
    elsewhere = Network.objects.create(name="Altra rete", slug="altra-rete")
    stranger = make_actor("altra@example.org", Role.PLATFORM_ADMIN, elsewhere)
    page = login(client, stranger.user, stranger.membership)
    assert page.get(url).status_code == 404


def test_other_provider_cannot_open_or_change_an_accreditation(client, accredited, make_provider):
    provider, owner, accreditation = accredited
    _other, other_owner = make_provider()
    page = login(client, other_owner.user, other_owner.membership)
    detail = reverse("marketplace:my_accreditation", args=[accreditation.pk])
    assert page.get(detail).status_code == 404
    requirement = services.checklist(accreditation)[0][0]
    response = page.post(
        detail,
        {"requirement": requirement.pk, "file": pdf(), "issued_on": "2026-12-01"},
    )
    assert response.status_code == 404
    submit = reverse("marketplace:my_accreditation_submit", args=[accreditation.pk])
    assert page.post(submit).status_code == 404
    assert AccreditationEvidence.objects_unscoped.filter(uploaded_by=other_owner.user).count() == 0
    # Nor its images.
    with all_tenants():
        image = profiles.add_image(owner, provider, png(), kind="logo")
    remove = reverse("marketplace:image_remove", args=[image.pk])
    assert page.post(remove).status_code == 404


def test_other_network_admin_gets_404_on_review_pages(client, accredited, make_actor):
    _provider, _owner, accreditation = accredited
    elsewhere = Network.objects.create(name="Altra rete", slug="altra-rete")
    stranger = make_actor("altra@example.org", Role.PLATFORM_ADMIN, elsewhere)
    page = login(client, stranger.user, stranger.membership)
    assert page.get(reverse("marketplace:review", args=[accreditation.pk])).status_code == 404
    assert (
        page.post(
            reverse("marketplace:review", args=[accreditation.pk]),
            {"action": "suspend", "reason": "x"},
        ).status_code
        == 404
    )


def test_provider_pages_refuse_citizens_and_comune_staff(client, municipality, make_actor):
    desk = make_actor("sportello@example.org", Role.DESK_OPERATOR, municipality)
    page = login(client, desk.user, desk.membership)
    assert page.get(reverse("marketplace:profile")).status_code == 403
    assert page.get(reverse("marketplace:network_home")).status_code == 403


def test_the_pages_walk_through_a_request(client, make_provider, checklist, admins):
    """Provider and network pages end to end (upload, submit, review, verify, accredit)."""
    provider, owner = make_provider()
    page = login(client, owner.user, owner.membership)
    response = page.post(reverse("marketplace:my_accreditations"), {"area": "family"})
    assert response.status_code == 302
    with all_tenants():
        accreditation = provider.accreditations.get()
    detail = reverse("marketplace:my_accreditation", args=[accreditation.pk])
    html = page.get(detail).content.decode()
    assert "Requisiti giuridico-amministrativi" in html and "DURC" in html
    # An expired document "uploaded as valid": the page tells why, nothing stored.
    durc = next(r for r, _e in services.checklist(accreditation) if r.key == "durc")
    response = page.post(
        detail,
        {
            "requirement": durc.pk,
            "file": pdf(),
            "issued_on": "2025-01-01",
            "expires_on": "2025-06-30",
        },
    )
    assert response.status_code == 200
    assert "Il documento è scaduto il 30 giugno 2025" in response.content.decode()
    assert not AccreditationEvidence.objects_unscoped.exists()
    for requirement, _evidence in services.checklist(accreditation):
        if requirement.required:
            response = page.post(
                detail,
                {
                    "requirement": requirement.pk,
                    "file": pdf(f"{requirement.key}.pdf", requirement.key.encode()),
                    "issued_on": "2026-01-10",
                    "expires_on": "2099-01-01" if requirement.needs_expiry else "",
                },
            )
            assert response.status_code == 302, response.content.decode()[:2000]
    page.post(reverse("marketplace:my_accreditation_submit", args=[accreditation.pk]))
    accreditation.refresh_from_db()
    assert accreditation.status == "submitted"
    maker, checker = admins
    review = reverse("marketplace:review", args=[accreditation.pk])
    page = login(client, maker.user, maker.membership)
    assert "Da esaminare" in page.get(reverse("marketplace:network_home")).content.decode()
    page.post(review, {"action": "review"})
    for _requirement, evidence in services.checklist(accreditation):
        if evidence is not None:
            page.post(reverse("marketplace:verify", args=[accreditation.pk, evidence.pk]))
    response = page.post(review, {"action": "accredit"})
    assert "quattro occhi" in response.content.decode()
    page = login(client, checker.user, checker.membership)
    assert page.post(review, {"action": "accredit"}).status_code == 302
    accreditation.refresh_from_db()
    assert accreditation.status == "accredited" and accreditation.valid_from is not None
