"""Welfare Points: the desks where operators register needs and guide people, and who works
at each. A Point belongs to one organisation (its tenant): a Comune, the network, a company
(company Welfare Point) or a provider (a third-sector body); `kind` says what sort of office
it is, e.g. a union's office run under the network's agreement."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class PointKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Punto del Comune")
    NETWORK = "network", _("Punto della rete dei Comuni")
    COMPANY = "company", _("Punto Welfare aziendale")
    UNION = "union", _("Punto presso un sindacato o un'associazione di categoria")
    THIRD_SECTOR = "third_sector", _("Punto presso un ente del terzo settore")


class WelfarePoint(models.Model):
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("organizzazione titolare"),
        on_delete=models.PROTECT,
        related_name="welfare_points",
    )
    kind = models.CharField(_("tipo di punto"), max_length=20, choices=PointKind.choices)
    name = models.CharField(_("nome"), max_length=200)
    host = models.CharField(
        _("presso"),
        max_length=200,
        blank=True,
        help_text=_("Chi ospita il punto, se non è il titolare (per esempio: CISL Padova)."),
    )
    address = models.CharField(_("indirizzo"), max_length=200)
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("Comune"),
        on_delete=models.PROTECT,
        related_name="welfare_points_here",
    )
    opening_hours = models.TextField(
        _("orari di apertura"), help_text=_("Per esempio: lunedì e giovedì 9-12.")
    )
    services = models.TextField(_("servizi offerti"), blank=True)
    languages = models.CharField(
        _("lingue parlate"), max_length=200, blank=True, help_text=_("Separate da virgole.")
    )
    accessibility = models.TextField(_("accessibilità"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_public = models.BooleanField(
        _("nell'elenco pubblico"),
        default=True,
        help_text=_("Un punto aziendale riservato ai dipendenti può restare fuori."),
    )
    is_active = models.BooleanField(_("attivo"), default=True)
    # Appointments (models/appointments.py): off until the Point's admin sets the hours.
    appointments_enabled = models.BooleanField(_("prenotazione degli appuntamenti"), default=False)
    appointment_minutes = models.PositiveSmallIntegerField(
        _("durata di un appuntamento (minuti)"), default=30
    )
    appointment_desks = models.PositiveSmallIntegerField(
        _("appuntamenti alla stessa ora"),
        default=1,
        help_text=_("Quanti operatori ricevono nello stesso momento."),
    )
    appointment_notice_hours = models.PositiveSmallIntegerField(
        _("preavviso minimo (ore)"), default=2
    )
    appointment_window_days = models.PositiveSmallIntegerField(
        _("prenotabile fino a (giorni)"), default=30
    )
    # Cases opened here, for the protocol numbers (incremented under the row's lock).
    case_counter = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("Punto Welfare")
        verbose_name_plural = _("Punti Welfare")
        ordering = ["name"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return self.name


class PointOperator(models.Model):
    """A staff member (a membership with one of the desk roles in the Point's organisation)
    working at a Point. The role is the membership's: welfare manager, desk staff,
    coordinator."""

    point = models.ForeignKey(WelfarePoint, on_delete=models.CASCADE, related_name="operators")
    membership = models.ForeignKey(
        "core.Membership", on_delete=models.CASCADE, related_name="welfare_points"
    )
    is_active = models.BooleanField(_("attivo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="point__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("operatore del Punto Welfare")
        verbose_name_plural = _("operatori del Punto Welfare")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["point", "membership"], name="desk_unique_operator")
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} — {self.point}"
