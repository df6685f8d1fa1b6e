"""Archive of a call that no longer accepts applications: one zip with every application's
documents, the decisions, the final ranking, the expense claims with their receipts, and an
index (indice.csv: every file with its SHA-256) so the archive can be checked later.
Written as a stream to a temporary file: memory does not grow with the number of documents."""

import hashlib
import io
import os
import re
import tempfile
import zipfile

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls.models import Application, Call, Ranking, RankingEntry
from benecomune.core.exports import BOM, csv_text
from benecomune.core.files import stored_name
from benecomune.core.services.jobs import report_progress
from benecomune.ledger.money import format_decimal
from benecomune.payouts.models import ExpenseClaim, PayoutOrder

CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._")[:120] or "documento"


class _Zip:
    """A zip being written, remembering each file's digest for the index."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.index = []

    def add_stream(self, arcname, source):
        digest, size = hashlib.sha256(), 0
        with self.zip.open(arcname, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        self.index.append((arcname, size, digest.hexdigest()))

    def add_text(self, arcname, text):
        self.add_stream(arcname, io.BytesIO(text.encode("utf-8-sig")))

    def add_csv(self, arcname, header, rows):
        self.add_text(arcname, csv_text(header, rows))

    def close(self):
        self.zip.writestr(
            "indice.csv", BOM + csv_text([_("file"), _("byte"), "sha256"], self.index)
        )
        self.zip.close()


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def write_call_archive(job) -> None:
    call = Call.objects_unscoped.select_related("organization", "fund").get(
        pk=job.params["call_id"]
    )
    applications = (
        Application.objects_unscoped.filter(call=call)
        .exclude(status="draft")
        .select_related("applicant", "organization", "decided_by", "instructed_by")
        .prefetch_related("documents")
        .order_by("protocol", "pk")
    )
    total = applications.count()
    report_progress(job, 0, total + 1, _("Raccolta dei documenti delle domande"))
    handle, path = tempfile.mkstemp(suffix=".zip")
    os.close(handle)
    try:
        archive = _Zip(path)
        rows = []
        for done, application in enumerate(applications.iterator(chunk_size=200), start=1):
            folder = f"domande/{_safe(application.protocol or f'bozza-{application.pk}')}"
            paths = []
            for document in application.documents.all():
                arcname = (
                    f"{folder}/{_safe(document.code)}-{document.pk}-{_safe(document.original_name)}"
                )
                with document.file.open("rb") as source:
                    archive.add_stream(arcname, source)
                paths.append(arcname)
            award = getattr(application, "award", None)
            rows.append(
                [
                    application.protocol,
                    application.organization.name,
                    application.applicant.fiscal_code,
                    application.applicant.full_name,
                    _when(application.submitted_at),
                    format_decimal(application.isee_value) if application.isee_value else "",
                    format_decimal(application.amount),
                    application.get_status_display(),
                    application.decision_reason,
                    _when(application.decided_at),
                    application.decided_by.email if application.decided_by else "",
                    format_decimal(award.amount) if award else "",
                    " | ".join(paths),
                ]
            )
            if done % 50 == 0:
                report_progress(job, done, total + 1)
        archive.add_csv(
            "decisioni.csv",
            [
                _("protocollo"),
                _("Comune"),
                _("codice fiscale"),
                _("richiedente"),
                _("presentata il"),
                _("ISEE"),
                _("importo spettante"),
                _("esito"),
                _("motivazione"),
                _("decisa il"),
                _("decisa da"),
                _("importo assegnato"),
                _("documenti"),
            ],
            rows,
        )
        ranking = Ranking.objects.filter(call=call, kind="final", complete=True).first()
        if ranking is not None:
            archive.add_csv(
                "graduatoria.csv",
                [_("posizione"), _("protocollo"), _("punteggio"), _("importo"), _("finanziata")],
                [
                    [
                        e.position,
                        e.application.protocol,
                        e.score / 100,
                        format_decimal(e.amount),
                        _("sì") if e.funded else _("no"),
                    ]
                    for e in RankingEntry.objects.filter(ranking=ranking)
                    .select_related("application")
                    .order_by("position")
                ],
            )
        claim_rows = []
        orders = {o.claim_id: o for o in PayoutOrder.objects_unscoped.filter(call_id=call.pk)}
        for claim in (
            ExpenseClaim.objects_unscoped.filter(call=call)
            .select_related("person")
            .prefetch_related("receipts")
            .order_by("pk")
        ):
            arcname = ""
            receipt = claim.receipt  # the current one, the receipt the decision was taken on
            if receipt is not None:
                arcname = f"rimborsi/{claim.pk}-{_safe(receipt.original_name)}"
                with receipt.file.open("rb") as source:
                    archive.add_stream(arcname, source)
            order = orders.get(claim.pk)
            claim_rows.append(
                [
                    claim.pk,
                    claim.person.fiscal_code,
                    claim.get_category_display(),
                    claim.payee,
                    claim.expense_date.strftime("%d/%m/%Y"),
                    format_decimal(claim.amount),
                    format_decimal(claim.accepted_amount),
                    claim.get_status_display(),
                    claim.decision_reason,
                    order.get_status_display() if order else "",
                    arcname or _("autocertificazione"),
                ]
            )
        archive.add_csv(
            "rimborsi.csv",
            [
                _("richiesta"),
                _("codice fiscale"),
                _("spesa"),
                _("pagato a"),
                _("data"),
                _("chiesto"),
                _("riconosciuto"),
                _("esito"),
                _("motivazione"),
                _("pagamento"),
                _("documento"),
            ],
            claim_rows,
        )
        archive.add_text(
            "LEGGIMI.txt",
            _(
                "Archivio del bando «%(title)s» (codice %(code)s, versione %(version)s)\n"
                "Ente: %(org)s. Fondo: %(fund)s. Atto: %(act)s.\n"
                "Stato al momento dell'esportazione: %(status)s. Esportato il %(when)s.\n\n"
                "decisioni.csv  una riga per domanda: esito, motivazione, chi decide, documenti\n"
                "graduatoria.csv  la graduatoria definitiva\n"
                "rimborsi.csv  le richieste di rimborso e il loro pagamento\n"
                "domande/  i documenti caricati con ogni domanda\n"
                "rimborsi/  le ricevute delle richieste di rimborso\n"
                "indice.csv  ogni file con dimensione e impronta SHA-256, per verificarne "
                "l'integrità\n"
            )
            % {
                "title": call.title,
                "code": call.code,
                "version": call.version,
                "org": call.organization.name,
                "fund": call.fund.name,
                "act": call.legal_reference or "—",
                "status": call.get_status_display(),
                "when": _when(timezone.now()),
            },
        )
        archive.close()
        with open(path, "rb") as fh:
            job.result_file.save(stored_name("archivio.zip"), File(fh), save=False)
        job.result = {"call_id": call.pk, "applications": total, "files": len(archive.index)}
    finally:
        os.unlink(path)
