"""Demo marketplace: the network's default checklist, the profile of Cooperativa Sociale
Jonathan, and its accreditation request for the home area submitted and waiting for the
network's review (the platform admin's queue); the commerce districts: opening hours of the
shops of the five Comuni and a few promotions; the catalogue of the seed providers
(demo_catalogue.py). Idempotent: if the cooperative has a request, it is not made again; a shop
with hours, or a provider with services, gets no more. Everything goes through the services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from benecomune.core.models import Provider, ProviderKind
from benecomune.marketplace import demo_catalogue
from benecomune.marketplace.models import Accreditation, OpeningSlot, Promotion
from benecomune.marketplace.services import accreditation, districts, profiles, promotions
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
        from benecomune.bookings import demo_agenda

        demo_agenda.seed(actor, network)


def _seed(actor, network):
    _seed_district(actor, network)
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
    submitted_request(actor, provider, "home", today)


def submitted_request(actor, provider, area, today):
    """An accreditation request of `provider` for `area` with every required document (demo
    PDFs, valid for 300 days), submitted (also used by corporate's demo)."""
    request = accreditation.create_draft(actor, provider, area=area)
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
    return accreditation.submit(actor, request, today=today)


T = datetime.time
# Shop hours: morning and afternoon, Monday to Saturday, Monday afternoon closed (the
# Veneto custom); a pharmacy opens on Saturday morning only; a bakery from early morning.
SPLIT = [(T(8, 30), T(12, 30)), (T(15, 30), T(19, 30))]
HOURS = {
    "grocery": {0: SPLIT[:1], 1: SPLIT, 2: SPLIT, 3: SPLIT, 4: SPLIT, 5: SPLIT},
    "pharmacy": {d: [(T(8, 30), T(12, 30)), (T(15, 0), T(19, 30))] for d in range(5)}
    | {5: [(T(8, 30), T(12, 30))]},
    "bakery": {d: [(T(6, 30), T(13, 0)), (T(16, 0), T(19, 0))] for d in range(6)}
    | {6: [(T(7, 0), T(12, 0))]},
}
DEFAULT_HOURS = dict.fromkeys(range(6), SPLIT)
PROMOTIONS = {
    "alimentari-da-bepi": (
        "Frutta e verdura di stagione -10%",
        "Tutti i giorni sconto del 10% su frutta e verdura del territorio.\n"
        "Si paga anche con i buoni spesa del Comune.",
    ),
    "forno-del-borgo": (
        "Pane del giorno prima a metà prezzo",
        "Dalle 17 il pane rimasto è a metà prezzo: meno spreco, più risparmio.",
    ),
    "cartoleria-la-matita": (
        "Kit scuola per la primaria",
        "Quaderni, astuccio e diario a prezzo fisso per chi inizia la scuola.",
    ),
}


def _seed_district(actor, network):
    today = timezone.localdate()
    shops = Provider.objects.filter(
        network=network, provider_kind=ProviderKind.SHOP, is_active=True
    ).order_by("slug")
    for shop in shops:
        if OpeningSlot.objects_unscoped.filter(provider=shop).exists():
            continue
        week = HOURS.get(shop.category, DEFAULT_HOURS)
        districts.set_week(
            actor, shop, [(day, o, c) for day, slots in week.items() for o, c in slots]
        )
        if shop.slug == "farmacia-san-marco":
            districts.add_closure(
                actor,
                shop,
                start_date=today + datetime.timedelta(days=20),
                end_date=today + datetime.timedelta(days=22),
                note="Inventario",
            )
        offer = PROMOTIONS.get(shop.slug)
        if offer and not Promotion.objects_unscoped.filter(provider=shop).exists():
            title, text = offer
            promotion = promotions.create_promotion(
                actor,
                shop,
                title=title,
                text=text,
                valid_from=today - datetime.timedelta(days=3),
                valid_until=today + datetime.timedelta(days=30),
            )
            promotions.publish_promotion(actor, promotion)
