"""Background jobs with progress, for long work that must never run in the request
(rankings, issuing vouchers, bank files, exports). A page polls the job for its progress bar."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class JobStatus(models.TextChoices):
    PENDING = "pending", _("In coda")
    RUNNING = "running", _("In corso")
    DONE = "done", _("Completato")
    FAILED = "failed", _("Non riuscito")


class Job(models.Model):
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("tipo"), max_length=60)
    title = models.CharField(_("descrizione"), max_length=200)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The role the job was started in: the job acts as it, and fails if it was revoked before
    # the job ran. Null with created_by null: started by a command or a task (a system actor).
    membership = models.ForeignKey(
        "core.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("lavoro in background")
        verbose_name_plural = _("lavori in background")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
