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
    # Orientation (desk.services.orientation): the marketplace's user area (UserArea) whose
    # services answer this area's needs, besides the "multi_user" ones. Data, loaded with the
    # taxonomy (desk 0002).
    user_area = models.CharField(_("area di utenza del catalogo"), max_length=20, blank=True)

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
    # Orientation's mapping, data loaded with the taxonomy (desk 0002), never code:
    # `service_types`: the catalogue's service types (marketplace ServiceType) answering it;
    # `categories`: the merchant/service categories (core MerchantCategory) a call's voucher or
    # a company plan must allow to pay for it; `general_calls`: a call restricted to no
    # category (money for any expense, a reimbursement) answers it too.
    service_types = models.JSONField(_("tipi di servizio del catalogo"), default=list, blank=True)
    categories = models.JSONField(_("categorie di spesa"), default=list, blank=True)
    general_calls = models.BooleanField(_("risposto dai bandi senza categorie"), default=False)

    class Meta:
        verbose_name = _("bisogno")
        verbose_name_plural = _("bisogni")
        ordering = ["area__position", "position"]

    def __str__(self) -> str:
        return f"{self.area.name} — {self.name}"
