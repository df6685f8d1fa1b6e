"""The catalogue: the services and goods a provider offers, their variants and photos.

The category is two-level: the ISTAT user area of municipal social services crossed with a
service type. Both are code constants (TextChoices), not tables: the ISTAT classification is
national and fixed, every network uses the same one, and constants keep their Italian labels
in gettext with the rest of the UI (a table would need a seed migration and could not be
translated). A network that needs its own categories would be the time for a table.

Prices are integer cents; a service is priced (with its unit), free, or "price on request".
The wallet kinds that may pay it, its art. 51 category for company plans and the UNI/PdR 58
area it is accredited under decide who pays (marketplace.queries.service_payment_refusal).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.models import MerchantCategory
from benecomune.core.uploads import StoredDocument
from benecomune.marketplace.models.accreditation import ServiceArea


class UserArea(models.TextChoices):
    """The ISTAT user areas of municipal social services (first level)."""

    FAMILY_MINORS = "family_minors", _("Famiglia e minori")
    DISABILITY = "disability", _("Disabilità")
    ELDERLY = "elderly", _("Anziani")
    POVERTY = "poverty", _("Povertà, disagio adulti e senza dimora")
    IMMIGRANTS = "immigrants", _("Immigrati, Rom, Sinti e Caminanti")
    ADDICTIONS = "addictions", _("Dipendenze")
    MULTI_USER = "multi_user", _("Multiutenza")


class ServiceType(models.TextChoices):
    """What is offered (second level)."""

    EDUCATIONAL = "educational", _("Servizi educativi")
    PSYCHOLOGICAL = "psychological", _("Supporto psicologico")
    HOME_CARE = "home_care", _("Assistenza domiciliare")
    NURSING = "nursing", _("Assistenza infermieristica")
    TUTORING = "tutoring", _("Doposcuola e tutoraggio")
    CAMPS = "camps", _("Centri estivi e invernali")
    LABS = "labs", _("Laboratori")
    TRANSPORT = "transport", _("Trasporto e accompagnamento")
    LEISURE = "leisure", _("Tempo libero e socializzazione")
    GOODS = "goods", _("Prodotti dei negozi")


class TargetGroup(models.TextChoices):
    CHILDREN_0_6 = "children_0_6", _("Bambini da 0 a 6 anni")
    MINORS = "minors", _("Bambini e ragazzi da 6 a 17 anni")
    PUPILS_BES = "pupils_bes", _("Alunni con bisogni educativi speciali (BES)")
    YOUNG = "young", _("Giovani")
    PARENTS = "parents", _("Genitori e famiglie")
    ADULTS = "adults", _("Adulti")
    ELDERLY = "elderly", _("Anziani")
    DISABILITY = "disability", _("Persone con disabilità")
    FOREIGNERS = "foreigners", _("Persone di origine straniera")
    CAREGIVERS = "caregivers", _("Familiari che assistono")


class PriceKind(models.TextChoices):
    PRICED = "priced", _("A pagamento")
    FREE = "free", _("Gratuito")
    ON_REQUEST = "on_request", _("Prezzo su richiesta")


class PriceUnit(models.TextChoices):
    HOUR = "hour", _("all'ora")
    SESSION = "session", _("a incontro")
    PACKAGE = "package", _("a pacchetto")
    ITEM = "item", _("al pezzo")


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("In presenza, presso il fornitore")
    AT_HOME = "at_home", _("A domicilio")
    ONLINE = "online", _("Online")


# Offered to residents of the provider's network only (online: to anyone).
LOCAL_DELIVERIES = (Delivery.IN_PERSON, Delivery.AT_HOME)


class PayerKind(models.TextChoices):
    """Who may pay: a Comune's award (wallet source call_award), a company plan (company_plan),
    the person's own money (top-ups and the payment provider)."""

    PUBLIC = "public", _("Contributi e buoni dei Comuni")
    COMPANY = "company", _("Welfare aziendale")
    OWN = "own", _("Denaro proprio")


PAYER_FIELDS = {
    PayerKind.PUBLIC: "accepts_public",
    PayerKind.COMPANY: "accepts_company",
    PayerKind.OWN: "accepts_own",
}

# Art. 51 TUIR categories a company plan may pay (corporate/spending.py ART51_CATEGORIES).
ART51_CHOICES = [
    (c.value, c.label)
    for c in (
        MerchantCategory.EDUCATION,
        MerchantCategory.TUTORING,
        MerchantCategory.HOME_CARE,
        MerchantCategory.PHARMACY,
    )
]


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    PUBLISHED = "published", _("Pubblicato")
    ARCHIVED = "archived", _("Archiviato")


class Service(models.Model):
    provider = models.ForeignKey(
        "core.Provider", on_delete=models.PROTECT, related_name="marketplace_services"
    )
    title = models.CharField(_("titolo"), max_length=150)
    # Plain text: always rendered escaped, never as markup.
    description = models.TextField(_("descrizione"), max_length=4000, blank=True)
    user_area = models.CharField(_("area di utenza"), max_length=20, choices=UserArea.choices)
    service_type = models.CharField(
        _("tipo di servizio"), max_length=20, choices=ServiceType.choices
    )
    target_groups = models.JSONField(_("destinatari"), default=list, blank=True)
    price_kind = models.CharField(
        _("prezzo"), max_length=20, choices=PriceKind.choices, default=PriceKind.PRICED
    )
    price = models.BigIntegerField(_("prezzo in centesimi"), null=True, blank=True)
    price_unit = models.CharField(
        _("unità di prezzo"), max_length=10, choices=PriceUnit.choices, blank=True
    )
    vat_note = models.CharField(_("nota IVA"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durata in minuti"), null=True, blank=True)
    delivery = models.CharField(_("modalità"), max_length=20, choices=Delivery.choices)
    municipalities_served = models.ManyToManyField(
        "core.Municipality", verbose_name=_("Comuni serviti"), blank=True, related_name="+"
    )
    # Which wallets may pay it (PayerKind): booleans, so that public lists filter in SQL.
    accepts_public = models.BooleanField(_("contributi e buoni dei Comuni"), default=False)
    accepts_company = models.BooleanField(_("welfare aziendale"), default=False)
    accepts_own = models.BooleanField(_("denaro proprio"), default=True)
    art51_category = models.CharField(
        _("categoria art. 51 TUIR"), max_length=30, choices=ART51_CHOICES, blank=True
    )
    accreditation_area = models.CharField(
        _("area di accreditamento"), max_length=20, choices=ServiceArea.choices, blank=True
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Full-text search on PostgreSQL: kept by a database trigger (migration 0004_search), never
    # written by the application; always empty on SQLite (see services/search.py).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        base_manager_name = "objects_unscoped"
        ordering = ["title", "pk"]
        indexes = [
            models.Index(fields=["provider", "status"]),
            # The public search by category alone (no text): published rows of an area (and
            # type), or of a type, instead of reading all of them (docs/benchmarks.md).
            models.Index(
                fields=["user_area", "service_type"],
                condition=models.Q(status="published"),
                name="mkt_service_public_area_type",
            ),
            models.Index(
                fields=["service_type"],
                condition=models.Q(status="published"),
                name="mkt_service_public_type",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gt=0),
                name="marketplace_service_price_positive",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def category_label(self) -> str:
        return f"{self.get_user_area_display()} — {self.get_service_type_display()}"

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(g, g)) for g in self.target_groups]

    @property
    def payable_by(self) -> list[str]:
        """The PayerKind values accepted, in their order."""
        return [kind for kind in PayerKind.values if getattr(self, PAYER_FIELDS[kind])]

    def payer_labels(self) -> list[str]:
        labels = dict(PayerKind.choices)
        return [str(labels.get(p, p)) for p in self.payable_by]


class ServiceVariant(models.Model):
    """A priced option of a service (e.g. a package of 5 or 10 sessions)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="variants")
    label = models.CharField(_("nome"), max_length=100)
    price = models.BigIntegerField(_("prezzo in centesimi"))
    sessions = models.PositiveSmallIntegerField(_("incontri"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = ScopedManager(tenant="service__provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("variante del servizio")
        verbose_name_plural = _("varianti del servizio")
        base_manager_name = "objects_unscoped"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="marketplace_variant_price_positive"
            )
        ]

    def __str__(self) -> str:
        return self.label


class ServicePhoto(StoredDocument):
    """A photo of a service: the same checks and re-encoding as the provider's images."""

    file = models.FileField(_("file"), upload_to="marketplace/services/%Y/%m/")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="photos")
    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(_("descrizione dell'immagine"), max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta(StoredDocument.Meta):
        verbose_name = _("foto del servizio")
        verbose_name_plural = _("foto del servizio")
        base_manager_name = "objects_unscoped"
