"""Expense-claim receipts become stored documents (core.uploads.StoredDocument): each claim's
receipt moves from its own fields into one ClaimReceipt row, then the fields go, with the
check "receipt or self-declaration", which cannot span two tables (services.claims enforces
it). Reversible: backwards, each claim's newest receipt goes back into the fields."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def _checks_now(schema_editor):
    """Run PostgreSQL's deferred foreign key checks now: the same migration alters the
    tables next, which PostgreSQL refuses while checks are pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def fields_to_rows(apps, schema_editor):
    ExpenseClaim = apps.get_model("payouts", "ExpenseClaim")
    ClaimReceipt = apps.get_model("payouts", "ClaimReceipt")
    with_receipt = ExpenseClaim.objects.exclude(document="").order_by("pk")
    ClaimReceipt.objects.bulk_create(
        (
            ClaimReceipt(
                claim_id=claim.pk,
                file=claim.document.name,
                original_name=claim.document_name or "ricevuta",
                content_type=claim.document_type or "application/octet-stream",
                size=claim.document_size,
                sha256=claim.sha256,
                uploaded_by_id=claim.submitted_by_id,
            )
            for claim in with_receipt.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )
    # auto_now_add stamped the rows with today: the receipt came in with the claim.
    submitted = ExpenseClaim.objects.filter(pk=OuterRef("claim_id")).values("submitted_at")
    ClaimReceipt.objects.update(uploaded_at=Subquery(submitted[:1]))
    _checks_now(schema_editor)


def rows_to_fields(apps, schema_editor):
    ExpenseClaim = apps.get_model("payouts", "ExpenseClaim")
    ClaimReceipt = apps.get_model("payouts", "ClaimReceipt")
    newest = {}
    for receipt in ClaimReceipt.objects.order_by("claim_id", "pk").iterator(chunk_size=2000):
        newest[receipt.claim_id] = receipt
    for claim_id, receipt in newest.items():
        ExpenseClaim.objects.filter(pk=claim_id).update(
            document=receipt.file.name,
            document_name=receipt.original_name[:200],
            document_type=receipt.content_type[:40],
            document_size=receipt.size,
            sha256=receipt.sha256,
            self_declared=False,
        )
    _checks_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0002_claim_clarifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # First, so that backwards it comes last, once the fields hold the receipts again.
        migrations.RemoveConstraint(
            model_name="expenseclaim",
            name="payouts_claim_receipt_or_declaration",
        ),
        migrations.CreateModel(
            name="ClaimReceipt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("original_name", models.CharField(max_length=200, verbose_name="nome del file")),
                ("content_type", models.CharField(max_length=100)),
                ("size", models.PositiveIntegerField()),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "file",
                    models.FileField(upload_to="payouts/claims/%Y/%m/", verbose_name="ricevuta"),
                ),
                ("sha256", models.CharField(db_index=True, max_length=64)),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="receipts",
                        to="payouts.expenseclaim",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "ricevuta di un rimborso",
                "verbose_name_plural": "ricevute dei rimborsi",
                "ordering": ["uploaded_at", "pk"],
                "abstract": False,
            },
        ),
        migrations.RunPython(fields_to_rows, rows_to_fields),
        migrations.RemoveField(model_name="expenseclaim", name="document"),
        migrations.RemoveField(model_name="expenseclaim", name="document_name"),
        migrations.RemoveField(model_name="expenseclaim", name="document_size"),
        migrations.RemoveField(model_name="expenseclaim", name="document_type"),
        migrations.RemoveField(model_name="expenseclaim", name="sha256"),
    ]
