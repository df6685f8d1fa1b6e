"""The demo catalogue: the services of the seed cooperatives and of the elderly's association,
created and published through the catalogue's services, and their profiles published through
the profile's service (the public pages show only published profiles' services). A provider
that already has services is left as it is (running the demo again changes nothing)."""

from benecomune.core.models import Provider
from benecomune.marketplace.models import PublicationStatus, Service
from benecomune.marketplace.services import catalogue
from benecomune.marketplace.services.profiles import (
    PROFILE_FIELDS,
    municipalities_of,
    profile_of,
    update_profile,
)

VAT_NOTE = "Esente IVA art. 10 DPR 633/72"
ALL_PAYERS = ["public", "company", "own"]

# slug of the provider -> its services (fields as the form gives them; price typed "12,50").
SERVICES = {
    "coop-jonathan": [
        {
            "title": "Assistenza domiciliare",
            "description": "Igiene e cura della persona, aiuto nelle faccende di casa, "
            "accompagnamento a visite e commissioni.",
            "user_area": "elderly",
            "service_type": "home_care",
            "target_groups": ["elderly", "disability", "caregivers"],
            "price": "22,00",
            "price_unit": "hour",
            "duration_minutes": 60,
            "delivery": "at_home",
            "payable_by": ALL_PAYERS,
            "art51_category": "home_care",
            "accreditation_area": "home",
            "variants": [("Pacchetto 10 ore", "210,00", 10), ("Pacchetto 20 ore", "400,00", 20)],
        },
        {
            "title": "Assistenza infermieristica a domicilio",
            "description": "Medicazioni, prelievi, terapie iniettive e controllo dei parametri, "
            "da infermieri professionali.",
            "user_area": "elderly",
            "service_type": "nursing",
            "target_groups": ["elderly", "disability"],
            "price": "30,00",
            "price_unit": "session",
            "duration_minutes": 45,
            "delivery": "at_home",
            "payable_by": ALL_PAYERS,
            "art51_category": "home_care",
            "accreditation_area": "home",
        },
        {
            "title": "Sostegno psicologico per anziani",
            "description": "Colloqui con una psicologa per persone anziane e per i familiari che "
            "le assistono.",
            "user_area": "elderly",
            "service_type": "psychological",
            "target_groups": ["elderly", "caregivers"],
            "price": "45,00",
            "price_unit": "session",
            "duration_minutes": 50,
            "delivery": "in_person",
            "payable_by": ["public", "own"],
            "accreditation_area": "wellbeing",
            "variants": [("5 colloqui", "210,00", 5)],
        },
    ],
    "progetto-now": [
        {
            "title": "Tutoraggio scolastico online",
            "description": "Lezioni individuali in videochiamata per la scuola secondaria: "
            "metodo di studio, matematica, lingue.",
            "user_area": "family_minors",
            "service_type": "tutoring",
            "target_groups": ["minors", "young"],
            "price": "18,00",
            "price_unit": "hour",
            "duration_minutes": 60,
            "delivery": "online",
            "payable_by": ALL_PAYERS,
            "art51_category": "tutoring",
            "accreditation_area": "family",
            "variants": [("5 lezioni", "85,00", 5), ("10 lezioni", "160,00", 10)],
        },
        {
            "title": "Sostegno a domicilio per alunni con BES",
            "description": "Un educatore a casa per i compiti e l'autonomia di alunni con "
            "bisogni educativi speciali, in accordo con la scuola.",
            "user_area": "disability",
            "service_type": "educational",
            "target_groups": ["pupils_bes", "minors"],
            "price": "24,00",
            "price_unit": "hour",
            "duration_minutes": 90,
            "delivery": "at_home",
            "payable_by": ALL_PAYERS,
            "art51_category": "education",
            "accreditation_area": "family",
        },
        {
            "title": "Italiano per alunni stranieri",
            "description": "Corso di italiano come seconda lingua in piccoli gruppi, per "
            "ragazzi arrivati da poco.",
            "user_area": "immigrants",
            "service_type": "educational",
            "target_groups": ["minors", "foreigners"],
            "price_kind": "free",
            "duration_minutes": 90,
            "delivery": "in_person",
            "payable_by": ["public", "own"],
            "accreditation_area": "family",
        },
        {
            "title": "Laboratorio di lettura",
            "description": "Letture ad alta voce e giochi con i libri in biblioteca, per "
            "bambini dai 6 ai 10 anni.",
            "user_area": "family_minors",
            "service_type": "labs",
            "target_groups": ["minors"],
            "price": "40,00",
            "price_unit": "package",
            "duration_minutes": 60,
            "delivery": "in_person",
            "payable_by": ["own"],
        },
    ],
    "coop-graticolato": [
        {
            "title": "Consulenza educativa",
            "description": "Incontri con una pedagogista per genitori e insegnanti.",
            "user_area": "family_minors",
            "service_type": "educational",
            "target_groups": ["parents"],
            "price": "40,00",
            "price_unit": "session",
            "duration_minutes": 60,
            "delivery": "in_person",
            "payable_by": ALL_PAYERS,
            "art51_category": "education",
            "accreditation_area": "family",
        },
        {
            "title": "Supporto pedagogico a domicilio",
            "description": "L'educatore a casa della famiglia, per le difficoltà di tutti i "
            "giorni con bambini e ragazzi.",
            "user_area": "family_minors",
            "service_type": "educational",
            "target_groups": ["parents", "minors"],
            "price": "28,00",
            "price_unit": "hour",
            "duration_minutes": 90,
            "delivery": "at_home",
            "payable_by": ALL_PAYERS,
            "art51_category": "education",
            "accreditation_area": "family",
        },
        {
            "title": "Sostegno ai genitori di bambini da 0 a 6 anni",
            "description": "Gruppo di incontri per neogenitori: sonno, alimentazione, gioco.",
            "user_area": "family_minors",
            "service_type": "psychological",
            "target_groups": ["parents", "children_0_6"],
            "price_kind": "on_request",
            "delivery": "in_person",
            "payable_by": ["public", "own"],
            "accreditation_area": "family",
        },
        {
            "title": "Centro estivo",
            "description": "Giochi, laboratori, uscite e compiti delle vacanze, da giugno ad "
            "agosto, dalle 8 alle 16.",
            "user_area": "family_minors",
            "service_type": "camps",
            "target_groups": ["minors"],
            "price": "95,00",
            "price_unit": "package",
            "vat_note": VAT_NOTE,
            "delivery": "in_person",
            "payable_by": ALL_PAYERS,
            "art51_category": "education",
            "accreditation_area": "family",
            "variants": [("Una settimana", "95,00", None), ("Quattro settimane", "340,00", None)],
        },
    ],
    "anziani-attivi": [
        {
            "title": "Pomeriggi di socializzazione",
            "description": "Tombola, ginnastica dolce e merenda insieme, il martedì e il giovedì.",
            "user_area": "elderly",
            "service_type": "leisure",
            "target_groups": ["elderly"],
            "price_kind": "free",
            "delivery": "in_person",
            "payable_by": ["own"],
        },
    ],
}


# slug -> (description, register number) of the profiles the demo publishes.
PROFILES = {
    "coop-jonathan": (
        "Cooperativa sociale di tipo A: assistenza domiciliare ad anziani e persone con "
        "disabilità, infermieri a domicilio, sostegno psicologico.",
        "A123456",
    ),
    "progetto-now": (
        "Cooperativa sociale: doposcuola, sostegno agli alunni con bisogni educativi speciali, "
        "laboratori di lettura e italiano per ragazzi di origine straniera.",
        "A234567",
    ),
    "coop-graticolato": (
        "Cooperativa sociale: servizi educativi per la prima infanzia, consulenza pedagogica, "
        "centri estivi.",
        "A345678",
    ),
    "anziani-attivi": (
        "Associazione di volontariato: pomeriggi di socializzazione e attività per le persone "
        "anziane.",
        "RUNTS-45678",
    ),
}


def publish_profile(actor, provider) -> None:
    """Publish the provider's profile, keeping what it already says."""
    profile = profile_of(provider)
    if profile is not None and profile.publication == PublicationStatus.PUBLISHED:
        return
    description, register_number = PROFILES[provider.slug]
    data = {f: getattr(profile, f) for f in PROFILE_FIELDS} if profile else {}
    data.update(
        description=data.get("description") or description,
        register_number=data.get("register_number") or register_number,
        fiscal_code=data.get("fiscal_code") or provider.vat_number,
        contact_email=data.get("contact_email") or provider.email,
        publication=PublicationStatus.PUBLISHED,
    )
    served = list(profile.municipalities_served.all()) if profile else []
    update_profile(
        actor, provider, **data, municipalities_served=served or list(municipalities_of(provider))
    )


def seed(actor, network) -> None:
    for slug, rows in SERVICES.items():
        provider = Provider.objects.filter(slug=slug, network=network).first()
        if provider is None:
            continue
        publish_profile(actor, provider)
        if Service.objects_unscoped.filter(provider=provider).exists():
            continue
        served = list(municipalities_of(provider))
        for row in rows:
            row = dict(row)
            variants = row.pop("variants", [])
            row.setdefault("vat_note", VAT_NOTE if row.get("price") else "")
            if row["delivery"] == "at_home":
                row["municipalities_served"] = served
            service = catalogue.create_service(actor, provider, **row)
            for label, price, sessions in variants:
                catalogue.add_variant(actor, service, label=label, price=price, sessions=sessions)
            catalogue.publish(actor, service)
