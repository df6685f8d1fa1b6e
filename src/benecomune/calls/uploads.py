"""Checks on files uploaded with an application: type by content (magic bytes), size, digest.

The name and the content type the browser sends are not trusted: a file is a PDF, JPEG or PNG
only if its first bytes say so. Nothing is stored here; the service stores a file only after
these checks pass.
"""

import dataclasses
import hashlib
import os
import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

from benecomune.calls.exceptions import CallError

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# (signature, where it may start at most, content type, extension, name for people)
_SIGNATURES = (
    # The PDF header may follow a few bytes of garbage some scanners write (the PDF reference
    # allows it within the first 1024 bytes).
    (b"%PDF-", 1024, "application/pdf", "pdf", "PDF"),
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png", "PNG"),
)
ACCEPTED_TYPES = ", ".join(s[4] for s in _SIGNATURES)
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


@dataclasses.dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "CALLS_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def _detect(head: bytes):
    for signature, window, content_type, extension, _label in _SIGNATURES:
        position = head.find(signature, 0, window + len(signature))
        if position == 0 or (window and position > 0):
            return content_type, extension
    return None


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


def check_upload(uploaded) -> CheckedUpload:
    """Raise CallError (Italian) unless `uploaded` is a non-empty PDF/JPEG/PNG within the size
    limit; return its detected type and SHA-256."""
    if uploaded is None:
        raise CallError(_("Scelga un file da caricare."))
    size = uploaded.size or 0
    if size <= 0:
        raise CallError(_("Il file è vuoto: scelga di nuovo il documento."))
    limit = max_upload_bytes()
    if size > limit:
        raise CallError(
            _("Il file è troppo grande (%(size)s MB): il limite è %(max)s MB.")
            % {"size": _megabytes(size), "max": _megabytes(limit)}
        )
    uploaded.seek(0)
    head = uploaded.read(1100)
    detected = _detect(head)
    if detected is None:
        raise CallError(
            _("Il file non è un documento accettato: si possono caricare solo %(types)s.")
            % {"types": ACCEPTED_TYPES}
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    content_type, extension = detected
    return CheckedUpload(
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        original_name=clean_name(getattr(uploaded, "name", ""), extension),
    )
