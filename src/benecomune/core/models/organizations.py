"""Organisations: the network of Comuni, each Comune, companies and providers.

One table of organisations (multi-table inheritance) so memberships, audit events and ledger
accounts point at one kind of thing, whatever the organisation is.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from benecomune.core.compiled_queries import CompiledQuery
from benecomune.core.identifiers import validate_vat_number

# First path segments the platform uses itself: no organisation may take them as its slug.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "static",
        "media",
        "gestione",
        "area-personale",
        "accedi",
        "esci",
        "password",
        "verifica",
        "ruolo",
        "privacy",
        "accessibilita",
        "i18n",
        "lavori",
        "salute",
        "cassa",
        "esercente",
        "azienda",
        "fornitore",
        "invito",
        "punti-welfare",
        "dati-aperti",
        "valore-condiviso",
        "osservatorio",
    }
)


class OrganizationKind(models.TextChoices):
    NETWORK = "network", _("Rete di Comuni")
    MUNICIPALITY = "municipality", _("Comune")
    COMPANY = "company", _("Azienda")
    PROVIDER = "provider", _("Fornitore o esercente")


class Organization(models.Model):
    kind = models.CharField(_("tipo"), max_length=20, choices=OrganizationKind.choices)
    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("indirizzo breve"), max_length=80, unique=True)
    network = models.ForeignKey(
        "core.Network",
        verbose_name=_("rete"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    is_active = models.BooleanField(_("attiva"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]

    KIND: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.KIND and not self.kind:
            self.kind = self.KIND

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("Questo indirizzo è riservato: ne scelga un altro.")})

    @property
    def specific(self):
        """The concrete subclass instance (Comune, azienda, ...)."""
        return getattr(self, f"as_{self.kind}")

    def tenant_ids(self) -> list[int]:
        """Organisations whose data a member of this one may see: itself, or a network's members."""
        if self.kind == OrganizationKind.NETWORK:
            return [self.pk, *(pk for (pk,) in NETWORK_MEMBERS(self.pk))]
        return [self.pk]

    def tenant_subquery(self):
        """The same organisations as a subquery of their ids, for `__in` filters: a network
        with hundreds of members is not sent as hundreds of parameters in every query."""
        if self.kind == OrganizationKind.NETWORK:
            members = Organization.objects.filter(
                models.Q(pk=self.pk) | models.Q(network_id=self.pk)
            )
        else:
            members = Organization.objects.filter(pk=self.pk)
        return members.values("pk")


class Network(Organization):
    KIND = OrganizationKind.NETWORK
    organization_ptr = models.OneToOneField(
        Organization, parent_link=True, on_delete=models.CASCADE, related_name="as_network"
    )
    description = models.TextField(_("descrizione"), blank=True)

    class Meta:
        verbose_name = _("rete di Comuni")
        verbose_name_plural = _("reti di Comuni")


class Municipality(Organization):
    KIND = OrganizationKind.MUNICIPALITY
    organization_ptr = models.OneToOneField(
        Organization, parent_link=True, on_delete=models.CASCADE, related_name="as_municipality"
    )
    istat_code = models.CharField(
        _("codice ISTAT"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("Il codice ISTAT ha 6 cifre."))],
    )
    cadastral_code = models.CharField(
        _("codice catastale"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]\d{3}$", _("Il codice catastale è come G587."))],
    )
    province = models.CharField(_("provincia"), max_length=2, blank=True)
    population = models.PositiveIntegerField(_("residenti"), default=0)
    pec = models.EmailField(_("PEC"), blank=True)
    treasury_iban = models.CharField(_("IBAN della tesoreria"), max_length=34, blank=True)
    # Public: shown on the Comune's page and served by core.views.logos, never from MEDIA_ROOT.
    logo = models.FileField(_("stemma o logo"), upload_to="logos/", blank=True)

    class Meta:
        verbose_name = _("Comune")
        verbose_name_plural = _("Comuni")


class Company(Organization):
    KIND = OrganizationKind.COMPANY
    organization_ptr = models.OneToOneField(
        Organization, parent_link=True, on_delete=models.CASCADE, related_name="as_company"
    )
    vat_number = models.CharField(
        _("partita IVA"), max_length=11, unique=True, validators=[validate_vat_number]
    )

    class Meta:
        verbose_name = _("azienda")
        verbose_name_plural = _("aziende")


class ProviderKind(models.TextChoices):
    SOCIAL_COOPERATIVE = "social_cooperative", _("Cooperativa sociale")
    ASSOCIATION = "association", _("Associazione")
    SHOP = "shop", _("Esercizio commerciale")
    PROFESSIONAL = "professional", _("Professionista")


class MerchantCategory(models.TextChoices):
    GROCERY = "grocery", _("Alimentari")
    PHARMACY = "pharmacy", _("Farmacia")
    BAKERY = "bakery", _("Panificio")
    STATIONERY = "stationery", _("Cartoleria")
    CLOTHING = "clothing", _("Abbigliamento")
    BUTCHER = "butcher", _("Macelleria")
    HOME_CARE = "home_care", _("Assistenza domiciliare")
    TUTORING = "tutoring", _("Doposcuola e tutoraggio")
    EDUCATION = "education", _("Servizi educativi")
    OTHER = "other", _("Altro")


class Provider(Organization):
    KIND = OrganizationKind.PROVIDER
    organization_ptr = models.OneToOneField(
        Organization, parent_link=True, on_delete=models.CASCADE, related_name="as_provider"
    )
    provider_kind = models.CharField(
        _("tipo di fornitore"), max_length=30, choices=ProviderKind.choices
    )
    category = models.CharField(
        _("categoria"),
        max_length=30,
        choices=MerchantCategory.choices,
        default=MerchantCategory.OTHER,
    )
    vat_number = models.CharField(
        _("partita IVA"), max_length=11, unique=True, validators=[validate_vat_number]
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune della sede"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="providers",
    )

    class Meta:
        verbose_name = _("fornitore")
        verbose_name_plural = _("fornitori")


def _network_members(network_id: int):
    return Organization.objects.filter(network_id=network_id).values_list("pk")


# Read on every request of a network's citizen or staff (core.compiled_queries).
NETWORK_MEMBERS = CompiledQuery("network_members", _network_members, -7_000_108)
