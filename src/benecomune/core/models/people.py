"""People and households. A person is keyed by the codice fiscale; the registry of a Comune
holds its households. Households are tenant-owned (the Comune of residence)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.identifiers import (
    normalize_fiscal_code,
    normalize_iban,
    parse_fiscal_code,
    validate_iban,
)


class Sex(models.TextChoices):
    MALE = "M", _("Maschio")
    FEMALE = "F", _("Femmina")


class Person(models.Model):
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    first_name = models.CharField(_("nome"), max_length=100)
    last_name = models.CharField(_("cognome"), max_length=100)
    birth_date = models.DateField(_("data di nascita"), editable=False)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices, editable=False)
    birthplace_code = models.CharField(_("luogo di nascita (codice)"), max_length=4, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    address = models.CharField(_("indirizzo di residenza"), max_length=200, blank=True)
    residence = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("Comune di residenza"),
        on_delete=models.PROTECT,
        related_name="residents",
    )
    # Certified disability (L. 104/92), as the registry or the social services know it: calls
    # may give priority or an extra amount for it. Health data: shown to staff only.
    disability = models.BooleanField(_("disabilità certificata (L. 104/92)"), default=False)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    iban_holder = models.CharField(_("intestatario del conto"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The registry of a Comune is tenant data: staff of another Comune never reach it.
    objects = ScopedManager(tenant="residence_id")

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["last_name", "first_name"]
        base_manager_name = "objects_unscoped"

    objects_unscoped = models.Manager()

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        errors = {}
        self.fiscal_code = normalize_fiscal_code(self.fiscal_code)
        try:
            data = parse_fiscal_code(self.fiscal_code)
        except ValidationError as exc:
            errors["fiscal_code"] = exc.messages
        else:
            self.birth_date, self.sex, self.birthplace_code = (
                data.birth_date,
                data.sex,
                data.birthplace_code,
            )
        if self.iban:
            self.iban = normalize_iban(self.iban)
        if errors:
            raise ValidationError(errors)

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class Relationship(models.TextChoices):
    HEAD = "head", _("Intestatario della scheda")
    SPOUSE = "spouse", _("Coniuge")
    PARTNER = "partner", _("Convivente")
    CHILD = "child", _("Figlio o figlia")
    PARENT = "parent", _("Genitore")
    SIBLING = "sibling", _("Fratello o sorella")
    GRANDCHILD = "grandchild", _("Nipote")
    OTHER = "other", _("Altro convivente")


class Household(models.Model):
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("Comune"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField(_("indirizzo"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="municipality_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("nucleo familiare")
        verbose_name_plural = _("nuclei familiari")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        head = self.head
        return _("Nucleo di %(name)s") % {"name": head} if head else _("Nucleo familiare")

    @property
    def head(self):
        for member in self.members.all():
            if member.relationship == Relationship.HEAD:
                return member.person
        return None


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    # A person belongs to one household at a time, as in the civil registry.
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="membership")
    relationship = models.CharField(
        _("relazione con l'intestatario"), max_length=20, choices=Relationship.choices
    )
    since = models.DateField(_("dal"), null=True, blank=True)

    class Meta:
        verbose_name = _("componente del nucleo")
        verbose_name_plural = _("componenti del nucleo")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relationship="head"),
                name="one_head_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_relationship_display()})"
