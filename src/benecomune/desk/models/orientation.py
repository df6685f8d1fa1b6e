"""Orientation of a case (issue 18, point 3) and its unmet needs (point 7).

The suggestions themselves are computed when the page is shown (desk.services.orientation);
what is stored is what the operator decided: a suggestion dismissed with a reason
(`DismissedSuggestion`), the list given to the person (`Orientation` and its items, a
snapshot of each suggestion with its reasons, printed as a PDF and shown in the person's
area), and for each need of the case whether something answered it (`NeedOutcome`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class SuggestionKind(models.TextChoices):
    CALL = "call", _("Bando aperto")
    SERVICE = "service", _("Servizio del catalogo")
    PLAN = "plan", _("Credito del welfare aziendale")
    POINT = "point", _("Punto o ufficio a cui rivolgersi")


class DismissedSuggestion(models.Model):
    case = models.ForeignKey("desk.Case", on_delete=models.CASCADE, related_name="dismissals")
    # "<kind>:<id>", e.g. "service:12" (desk.services.orientation.Suggestion.key).
    key = models.CharField(max_length=40)
    kind = models.CharField(_("tipo"), max_length=10, choices=SuggestionKind.choices)
    title = models.CharField(_("proposta"), max_length=250)
    reason = models.CharField(_("motivo"), max_length=500)
    dismissed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="case__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("proposta scartata")
        verbose_name_plural = _("proposte scartate")
        ordering = ["dismissed_at"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="desk_unique_dismissal")
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.title}"


class Orientation(models.Model):
    """The list of suggestions chosen by the operator and given to the person."""

    case = models.ForeignKey("desk.Case", on_delete=models.CASCADE, related_name="orientations")
    # Copied from the case: the citizen's area lists theirs without reading cases.
    person = models.ForeignKey(
        "core.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="desk_orientations",
    )
    note = models.TextField(_("nota per la persona"), blank=True)
    given_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="case__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("orientamento")
        verbose_name_plural = _("orientamenti")
        ordering = ["-given_at", "-pk"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.case} — {self.given_at:%d/%m/%Y}"


class OrientationItem(models.Model):
    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=40)
    kind = models.CharField(_("tipo"), max_length=10, choices=SuggestionKind.choices)
    title = models.CharField(_("proposta"), max_length=250)
    # Where and how: the provider and price, the call's dates, the Point's address and hours.
    detail = models.TextField(_("dettagli"), blank=True)
    needs = models.ManyToManyField("desk.Need", verbose_name=_("bisogni"), related_name="+")
    reasons = models.JSONField(_("perché"), default=list)
    unknowns = models.JSONField(_("da verificare"), default=list)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(tenant="orientation__case__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("proposta consegnata")
        verbose_name_plural = _("proposte consegnate")
        ordering = ["position", "pk"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return self.title


class NeedStatus(models.TextChoices):
    MET = "met", _("Trovata una risposta")
    UNMET = "unmet", _("Nessuna risposta adatta")


class NeedOutcome(models.Model):
    """Whether a need of a case found an answer (a chosen suggestion) or not: the unmet needs
    the observatory counts (desk.services.unmet)."""

    case = models.ForeignKey("desk.Case", on_delete=models.CASCADE, related_name="need_outcomes")
    need = models.ForeignKey("desk.Need", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("esito"), max_length=10, choices=NeedStatus.choices)
    note = models.CharField(_("nota"), max_length=500, blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="case__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("esito del bisogno")
        verbose_name_plural = _("esiti dei bisogni")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["case", "need"], name="desk_unique_need_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.need} — {self.get_status_display()}"
