"""The needs taxonomy: ISTAT's user areas of the municipal social services, and concrete
needs under each. Reference data, loaded by the migration (desk 0001): a change is a new data
migration, never code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedArea(models.Model):
    code = models.SlugField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("area"), max_length=120)
    # Needs in this area reveal health or other special-category data (GDPR art. 9): a case
    # holding one needs the person's explicit consent for that purpose.
    special_category = models.BooleanField(_("dati particolari (art. 9 GDPR)"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("area di utenza")
        verbose_name_plural = _("aree di utenza")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Need(models.Model):
    area = models.ForeignKey(NeedArea, on_delete=models.PROTECT, related_name="needs")
    code = models.SlugField(_("codice"), max_length=60, unique=True)
    name = models.CharField(_("bisogno"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("bisogno")
        verbose_name_plural = _("bisogni")
        ordering = ["area__position", "position"]

    def __str__(self) -> str:
        return f"{self.area.name} — {self.name}"
