"""Fixtures of the marketplace's tests: data made through the real services (sign-up,
approval, checklist, uploads), never by setting stored fields."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core.models import Membership, Role
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.services import accreditation as services
from benecomune.marketplace.services import signup
from benecomune.marketplace.services.checklist import ensure_default_checklist
from tests.helpers import actor_for

TODAY = datetime.date(2026, 12, 6)
# Valid partite IVA / codici fiscali of entities (check digit right).
VATS = ["01234560280", "02345670281", "03456780281", "05678900282", "06789010284", "07890120285"]


def pdf(name="documento.pdf", body=b"contenuto"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n" + body + b"\n%%EOF", content_type="application/pdf"
    )


def png(width=800, height=600, name="logo.png"):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the sign-up's rate limit counts per address


@pytest.fixture
def admins(network, make_actor):
    """Two administrators of the network: maker and checker."""
    return (
        make_actor("rete1@example.org", Role.PLATFORM_ADMIN, network),
        make_actor("rete2@example.org", Role.PLATFORM_ADMIN, network),
    )


@pytest.fixture
def make_provider(network, municipality, admins):
    """A cooperative signed up and approved; returns (provider, owner actor)."""
    counter = {"n": 0}

    def make(*, kind="social_cooperative", email=None, name=None):
        n = counter["n"]
        counter["n"] += 1
        email = email or f"titolare{n}@example.org"
        provider = signup.sign_up(
            name=name or f"Cooperativa Sociale {n}",
            provider_kind=kind,
            vat_number=VATS[n],
            fiscal_code=VATS[n],
            register_number=f"A{100000 + n}",
            municipality=municipality,
            address="Via Roma 1",
            description="Servizi alla persona",
            contact_name=f"Titolare {n}",
            email=email,
        )
        with all_tenants():
            signup.approve_signup(admins[0], provider, base_url="http://testserver/")
        provider.refresh_from_db()
        membership = Membership.objects.get(organization=provider, role=Role.PROVIDER_STAFF)
        # The second factor the owner enrols at first login (staff roles need it).
        TOTPDevice.objects.create(user=membership.user, name="test", confirmed=True)
        return provider, actor_for(membership.user, Role.PROVIDER_STAFF, provider)

    return make


@pytest.fixture
def checklist(network, admins):
    with all_tenants():
        return ensure_default_checklist(admins[0], network)


def upload_all(actor, accreditation, *, today=TODAY, expires=None):
    """A valid document for every required item (those with an expiry: `expires`)."""
    expires = expires or today + datetime.timedelta(days=365)
    for requirement, _evidence in services.checklist(accreditation):
        if requirement.required:
            services.upload_evidence(
                actor,
                accreditation,
                requirement,
                pdf(f"{requirement.key}.pdf", requirement.key.encode()),
                issued_on=today - datetime.timedelta(days=10),
                expires_on=expires if requirement.needs_expiry else None,
                today=today,
            )


def verify_all(actor, accreditation, *, today=TODAY):
    for _requirement, evidence in services.checklist(accreditation):
        if evidence is not None and evidence.verified_at is None:
            services.verify_evidence(actor, evidence, today=today)


@pytest.fixture
def accredited(make_provider, checklist, admins):
    """A provider accredited for the family area on TODAY: (provider, owner, accreditation)."""
    provider, owner = make_provider()
    maker, checker = admins
    with all_tenants():
        accreditation = services.create_draft(owner, provider, area="family")
        upload_all(owner, accreditation)
        services.submit(owner, accreditation, today=TODAY)
        services.take_in_review(maker, accreditation)
        verify_all(maker, accreditation)
        services.accredit(checker, accreditation, today=TODAY)
        accreditation.refresh_from_db()
    return provider, owner, accreditation
