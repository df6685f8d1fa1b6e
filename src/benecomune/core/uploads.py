"""Checking and keeping uploaded files, for every app: the type by content (magic bytes), the
size limit, the SHA-256, a safe display name, duplicates; and `StoredDocument`, the abstract
model of a kept file.

The name and the content type the browser sends are not trusted: a file is a PDF, JPEG or PNG
only if its first bytes say so. Nothing is stored here; the services store a file only after
these checks pass (with a random stored name, see core/files.py).
"""

import dataclasses
import hashlib
import os
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# kind: (signature, where it may start at most, content type, extension, name for people)
SIGNATURES = {
    # The PDF header may follow a few bytes of garbage some scanners write (the PDF reference
    # allows it within the first 1024 bytes).
    "pdf": (b"%PDF-", 1024, "application/pdf", "pdf", "PDF"),
    "jpeg": (b"\xff\xd8\xff", 0, "image/jpeg", "jpg", "JPEG"),
    "png": (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png", "PNG"),
}
DOCUMENT_TYPES = ("pdf", "jpeg", "png")
HEAD_BYTES = 1100  # enough for the furthest signature window


@dataclasses.dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def type_names(allowed_types=DOCUMENT_TYPES) -> str:
    """ "PDF, JPEG, PNG": the accepted types, for messages."""
    return ", ".join(SIGNATURES[kind][4] for kind in allowed_types)


def sniff(head: bytes, allowed_types=DOCUMENT_TYPES) -> tuple[str, str] | None:
    """(content type, extension) of the first of `allowed_types` the bytes start with."""
    for kind in allowed_types:
        signature, window, content_type, extension, _label = SIGNATURES[kind]
        position = head.find(signature, 0, window + len(signature))
        if position == 0 or (window and position > 0):
            return content_type, extension
    return None


def file_sha256(uploaded) -> str:
    """The file's SHA-256, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def megabytes(size: int) -> str:
    """ "5" or "2,5": a size in MB as a message says it."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def clean_name(name: str, extension: str) -> str:
    """A safe display name: no path, no control characters, at most 200 characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if not name:
        name = _("documento") + f".{extension}"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot else name[:200]
    return name


def check_upload(
    uploaded,
    *,
    max_bytes: int,
    allowed_types=DOCUMENT_TYPES,
    error: type[ValidationError] = ValidationError,
) -> CheckedUpload:
    """Raise `error` (Italian) unless `uploaded` is a non-empty file of one of `allowed_types`
    within `max_bytes`; return its detected type, size, SHA-256 and a safe name."""
    if uploaded is None:
        raise error(_("Scelga un file da caricare."))
    size = uploaded.size or 0
    if size <= 0:
        raise error(_("Il file è vuoto: scelga di nuovo il documento."))
    if size > max_bytes:
        raise error(
            _("Il file è troppo grande (%(size)s MB): il limite è %(max)s MB.")
            % {"size": megabytes(size), "max": megabytes(max_bytes)}
        )
    uploaded.seek(0)
    detected = sniff(uploaded.read(HEAD_BYTES), allowed_types)
    if detected is None:
        raise error(
            _("Il file non è un documento accettato: si possono caricare solo %(types)s.")
            % {"types": type_names(allowed_types)}
        )
    content_type, extension = detected
    return CheckedUpload(
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=file_sha256(uploaded),
        original_name=clean_name(getattr(uploaded, "name", ""), extension),
    )


def reject_duplicate(documents, checked: CheckedUpload, *, field: str = "file", message=None):
    """ValidationError on `field` when one of `documents` (the same owner's files, a queryset
    with a `sha256` column) already holds this very file."""
    if checked.sha256 and documents.filter(sha256=checked.sha256).exists():
        raise ValidationError({field: [message or _("Questo file è già stato caricato.")]})


class StoredDocument(models.Model):
    """A kept upload: the file under a random name, and what was checked when it came in.
    Concrete models add their owner and set `file`'s upload_to."""

    file = models.FileField(gettext_lazy("file"), upload_to="documents/%Y/%m/")
    original_name = models.CharField(gettext_lazy("nome del file"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def fields_from(cls, checked: CheckedUpload) -> dict:
        """The checked facts as keyword arguments for a new row."""
        return {
            "original_name": checked.original_name,
            "content_type": checked.content_type,
            "size": checked.size,
            "sha256": checked.sha256,
        }
