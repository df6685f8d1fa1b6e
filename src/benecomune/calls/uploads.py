"""Checks on files uploaded with an application: the shared ones of core/uploads.py (type by
content, size, digest) with the calls' size limit and their error type."""

from django.conf import settings

from benecomune.calls.exceptions import CallError
from benecomune.core.uploads import (  # noqa: F401 (clean_name: kept under its old place)
    DOCUMENT_TYPES,
    CheckedUpload,
    clean_name,
    type_names,
)
from benecomune.core.uploads import check_upload as check_file

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ACCEPTED_TYPES = type_names(DOCUMENT_TYPES)
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def max_upload_bytes() -> int:
    return int(getattr(settings, "CALLS_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def check_upload(uploaded) -> CheckedUpload:
    """Raise CallError (Italian) unless `uploaded` is a non-empty PDF/JPEG/PNG within the size
    limit; return its detected type and SHA-256."""
    return check_file(uploaded, max_bytes=max_upload_bytes(), error=CallError)
