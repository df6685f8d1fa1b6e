"""Checking uploads by content (core/uploads.py): type by magic bytes, size, SHA-256, a safe
name, duplicates; the calls' wrapper and the logo check use it."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import ApplicationDocument
from benecomune.calls.uploads import check_upload as check_call_upload
from benecomune.core.logos import check_logo
from benecomune.core.uploads import (
    StoredDocument,
    check_upload,
    clean_name,
    sniff,
)

PDF = b"%PDF-1.4\n" + b"x" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50


def _file(content, name="ricevuta.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_type_is_read_from_the_content_not_the_name():
    checked = check_upload(_file(PNG, name="foto.pdf"), max_bytes=1000)
    assert (checked.content_type, checked.extension) == ("image/png", "png")
    assert checked.sha256 == hashlib.sha256(PNG).hexdigest()
    assert (checked.size, checked.original_name) == (len(PNG), "foto.pdf")
    with pytest.raises(ValidationError) as refused:
        check_upload(_file(b"<html>" + PDF), max_bytes=10_000, allowed_types=("png",))
    assert refused.value.messages == [
        "Il file non è un documento accettato: si possono caricare solo PNG."
    ]


def test_a_pdf_header_after_some_scanner_garbage_is_accepted():
    assert sniff(b"\x00" * 500 + PDF) == ("application/pdf", "pdf")
    assert sniff(b"\x00" * 2000 + PDF) is None  # beyond the 1024 bytes the reference allows
    assert sniff(b"\x00" + PNG) is None  # images must start with their signature


def test_size_and_emptiness():
    with pytest.raises(ValidationError, match="Il file è vuoto"):
        check_upload(_file(b""), max_bytes=1000)
    with pytest.raises(ValidationError) as big:
        check_upload(_file(PDF + b"y" * (3 * 1024 * 1024)), max_bytes=2 * 1024 * 1024)
    assert big.value.messages == ["Il file è troppo grande (3,0 MB): il limite è 2 MB."]
    with pytest.raises(ValidationError, match="Scelga un file"):
        check_upload(None, max_bytes=1000)


def test_the_calls_wrapper_keeps_its_error_type_and_limit(settings):
    settings.CALLS_MAX_UPLOAD_BYTES = 50
    with pytest.raises(CallError, match="troppo grande"):
        check_call_upload(_file(PDF))


def test_clean_name():
    assert clean_name("C:\\Documenti\\isee\x07.pdf", "pdf") == "isee.pdf"
    assert clean_name("", "png") == "documento.png"
    assert len(clean_name("a" * 300 + ".pdf", "pdf")) == 194


def test_logo_check_uses_the_same_sniffing():
    with pytest.raises(ValidationError) as refused:
        check_logo(_file(PDF, name="logo.png", content_type="image/png"))
    assert refused.value.message_dict == {"logo": ["Il logo deve essere un'immagine PNG o JPEG."]}


def test_application_documents_are_stored_documents():
    assert issubclass(ApplicationDocument, StoredDocument)
    names = {f.name for f in ApplicationDocument._meta.get_fields()}
    assert {"file", "original_name", "content_type", "size", "sha256"} <= names
    assert ApplicationDocument._meta.get_field("file").upload_to == "applications/%Y/%m/"


# Duplicates (`reject_duplicate`) are checked through the calls' service, with real uploads:
# tests/calls/test_applications_submission.py::test_same_file_twice_and_unknown_codes_are_refused.
