"""Demo marketplace: the network's default checklist, the profile of Cooperativa Sociale
Jonathan, and its accreditation request for the home area submitted and waiting for the
network's review (the platform admin's queue); the catalogue of the seed providers
(demo_catalogue.py). Idempotent: if the cooperative has a request, it is not made again; a
provider with services gets no more. Everything goes through the services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from benecomune.core.models import Provider
from benecomune.marketplace import demo_catalogue
from benecomune.marketplace.models import Accreditation
from benecomune.marketplace.services import accreditation, profiles
from benecomune.marketplace.services.checklist import ensure_default_checklist

DEMO_PROVIDER = "coop-jonathan"


def _pdf(title: str) -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 760, title)
    page.drawString(72, 740, "Documento dimostrativo")
    page.save()
    return SimpleUploadedFile(f"{title[:40]}.pdf", out.getvalue(), content_type="application/pdf")


def seed(actor, network, rng):
    # The demo's provider would get an e-mail per step: the demo sends none.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _seed(actor, network)
        demo_catalogue.seed(actor, network)


def _seed(actor, network):
    ensure_default_checklist(actor, network)
    provider = Provider.objects.filter(slug=DEMO_PROVIDER, network=network).first()
    if provider is None or Accreditation.objects_unscoped.filter(provider=provider).exists():
        return
    served = list(profiles.municipalities_of(provider))[:3]
    profiles.update_profile(
        actor,
        provider,
        fiscal_code=provider.vat_number,
        register_number="A123456",
        description=(
            "Cooperativa sociale di tipo A: assistenza domiciliare ad anziani e persone con "
            "disabilità, pasti a domicilio, accompagnamento."
        ),
        contact_name="Ufficio servizi",
        contact_email=provider.email,
        service_points="Sede operativa, Piazzola sul Brenta",
        municipalities_served=served,
        sells_services=True,
        publication="published",
    )
    today = timezone.localdate()
    request = accreditation.create_draft(actor, provider, area="home")
    for requirement, _evidence in accreditation.checklist(request):
        if requirement.required:
            accreditation.upload_evidence(
                actor,
                request,
                requirement,
                _pdf(requirement.title),
                issued_on=today - datetime.timedelta(days=30),
                expires_on=today + datetime.timedelta(days=300)
                if requirement.needs_expiry
                else None,
                today=today,
            )
    accreditation.submit(actor, request, today=today)
