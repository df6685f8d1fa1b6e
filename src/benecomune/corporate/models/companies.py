"""What corporate welfare needs to know of a company beyond core's Company: its ATECO code and
the national collective agreement (CCNL) it applies. Kept here, one-to-one with the company, so
core's organisations stay free of welfare details."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

# The agreements most companies of the network apply; anything else goes in `ccnl_other`.
CCNL_CHOICES = [
    ("metalmeccanico_industria", _("Metalmeccanici, industria")),
    ("metalmeccanico_artigiani", _("Metalmeccanici, artigianato")),
    ("commercio_terziario", _("Commercio, terziario, distribuzione e servizi")),
    ("chimico_farmaceutico", _("Chimico-farmaceutico")),
    ("alimentare_industria", _("Alimentari, industria")),
    ("edilizia_industria", _("Edilizia, industria")),
    ("tessile_abbigliamento", _("Tessile e abbigliamento")),
    ("turismo_pubblici_esercizi", _("Turismo e pubblici esercizi")),
    ("logistica_trasporto", _("Logistica, trasporto merci e spedizione")),
    ("credito", _("Credito (bancari)")),
    ("cooperative_sociali", _("Cooperative sociali")),
    ("other", _("Altro (indicato a parte)")),
]

ATECO_VALIDATOR = RegexValidator(
    r"^\d{2}(\.\d{1,2}){0,2}$",
    _("Il codice ATECO è come 28.29 o 28.29.30 (due cifre, poi gruppi di una o due cifre)."),
)


class CompanyProfile(models.Model):
    company = models.OneToOneField(
        "core.Company", on_delete=models.CASCADE, related_name="welfare_profile"
    )
    ateco_code = models.CharField(_("codice ATECO"), max_length=8, validators=[ATECO_VALIDATOR])
    ccnl = models.CharField(_("CCNL applicato"), max_length=40, choices=CCNL_CHOICES)
    ccnl_other = models.CharField(_("altro CCNL"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("profilo welfare dell'azienda")
        verbose_name_plural = _("profili welfare delle aziende")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.company_id} {self.ateco_code}"

    @property
    def ccnl_label(self) -> str:
        return self.ccnl_other if self.ccnl == "other" else self.get_ccnl_display()
