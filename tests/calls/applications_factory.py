"""Builders for the application tests: citizens with accounts, uploads, drafts ready to send."""

import base64
import re
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from benecomune.calls.models import IseeRecord
from benecomune.calls.services import applications as services
from benecomune.core.actors import Actor
from benecomune.core.scoping import all_tenants

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def citizen(make_user, person):
    """(user, actor) of the person in the citizen role."""
    user = make_user(f"user.{person.fiscal_code.lower()}@example.org", person=person)
    return user, Actor(user=user)


def upload(name="carta-identita.pdf", body=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, body, content_type=content_type)


def fill(actor, application, *, isee: IseeRecord | None = None, declarations=True):
    """Save the ISEE of `isee` and tick every declaration of the call."""
    codes = [d["code"] for d in application.call.rules.get("declarations", [])]
    fields = {"declarations": dict.fromkeys(codes, declarations)}
    if isee is not None:
        fields.update(isee_value=isee.value, isee_protocol=isee.protocol, isee_date=isee.issued_on)
    with all_tenants():
        return services.save_draft(actor, application, **fields)


def ready_draft(actor, call, person, isee, *, document=True, body=PDF_BYTES):
    """A complete draft of `person`'s household: ISEE, declarations and the identity card."""
    with all_tenants():
        application = services.start_application(actor, call, person)
    fill(actor, application, isee=isee)
    if document:
        with all_tenants():
            services.add_document(actor, application, "id_card", upload(body=body))
    return application


def pdf_text(data: bytes) -> str:
    """The text shown by a reportlab PDF: its content streams (ASCII85 and Flate encoded),
    decoded, and the strings of their text operators."""
    chunks = []
    for match in re.finditer(rb"<<([^>]*)>>\s*stream\r?\n", data):
        header = match.group(1)
        length = int(re.search(rb"/Length (\d+)", header).group(1))
        raw = data[match.end() : match.end() + length]
        if b"/ASCII85Decode" in header:
            raw = base64.a85decode(raw.strip().removesuffix(b"~>"))
        if b"/FlateDecode" in header:
            raw = zlib.decompress(raw)
        chunks.append(raw)
    text = b"\n".join(chunks).decode("latin-1")
    return " ".join(re.findall(r"\((.*?)\)\s*Tj", text))
