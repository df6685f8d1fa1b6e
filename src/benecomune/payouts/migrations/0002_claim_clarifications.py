"""Clarifications on expense claims become rows (core's Clarification model): every non-empty
question/answer pair of a claim is copied into one ClaimClarification, then the two text
fields go. Reversible: backwards, each claim's latest clarification goes back into the fields."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

CLAIM_TYPE = "payouts.expenseclaim"


def _checks_now(schema_editor):
    """Run PostgreSQL's deferred foreign key checks now: the same migration alters the
    tables next, which PostgreSQL refuses while checks are pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _last_event(AuditEvent, claim, action):
    return (
        AuditEvent.objects.filter(object_type=CLAIM_TYPE, object_id=str(claim.pk), action=action)
        .order_by("-created_at", "-pk")
        .first()
    )


def fields_to_rows(apps, schema_editor):
    ExpenseClaim = apps.get_model("payouts", "ExpenseClaim")
    ClaimClarification = apps.get_model("payouts", "ClaimClarification")
    AuditEvent = apps.get_model("core", "AuditEvent")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    claims = ExpenseClaim.objects.exclude(clarification_question="", clarification_answer="")
    for claim in claims.order_by("pk").iterator():
        asked = _last_event(AuditEvent, claim, "payouts.claim_clarification_requested")
        answered = _last_event(AuditEvent, claim, "payouts.claim_clarification_answered")
        # Who asked: the audit event's actor, else the claim's reviewer or submitter; the
        # field is required, so the first user stands in when none is known.
        asker = (
            next(
                (
                    user_id
                    for user_id in (
                        asked and asked.actor_id,
                        claim.reviewed_by_id,
                        claim.submitted_by_id,
                    )
                    if user_id
                ),
                None,
            )
            or User.objects.order_by("pk").values_list("pk", flat=True).first()
        )
        if claim.status == "clarification":
            status = "open"
        elif claim.clarification_answer:
            status = "answered"
        else:  # decided without an answer
            status = "expired"
        row = ClaimClarification.objects.create(
            claim=claim,
            message=claim.clarification_question,
            status=status,
            requested_by_id=asker,
            answer=claim.clarification_answer,
            answered_at=(answered.created_at if answered else timezone.now())
            if status == "answered"
            else None,
            answered_by_id=answered.actor_id if answered and status == "answered" else None,
        )
        if asked:  # auto_now_add set it to now: keep when it was asked
            ClaimClarification.objects.filter(pk=row.pk).update(requested_at=asked.created_at)
    _checks_now(schema_editor)


def rows_to_fields(apps, schema_editor):
    ExpenseClaim = apps.get_model("payouts", "ExpenseClaim")
    ClaimClarification = apps.get_model("payouts", "ClaimClarification")
    for claim in ExpenseClaim.objects.filter(clarifications__isnull=False).distinct():
        latest = (
            ClaimClarification.objects.filter(claim=claim).order_by("-requested_at", "-pk").first()
        )
        ExpenseClaim.objects.filter(pk=claim.pk).update(
            clarification_question=latest.message, clarification_answer=latest.answer
        )
    _checks_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0001_initial"),
        ("core", "0002_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimClarification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("message", models.TextField(verbose_name="richiesta")),
                ("due_date", models.DateField(blank=True, null=True, verbose_name="entro il")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "In attesa di risposta"),
                            ("answered", "Risposta ricevuta"),
                            ("expired", "Scaduta senza risposta"),
                        ],
                        default="open",
                        max_length=20,
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("answer", models.TextField(blank=True, verbose_name="risposta")),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="clarifications",
                        to="payouts.expenseclaim",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "integrazione su un rimborso",
                "verbose_name_plural": "integrazioni sui rimborsi",
                "ordering": ["-requested_at"],
                "abstract": False,
            },
        ),
        migrations.RunPython(fields_to_rows, rows_to_fields),
        migrations.RemoveField(model_name="expenseclaim", name="clarification_answer"),
        migrations.RemoveField(model_name="expenseclaim", name="clarification_question"),
    ]
