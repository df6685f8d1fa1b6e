"""A Comune's logo: checked when uploaded, served by core.views.logos (public, it is shown on
the Comune's page), never straight from MEDIA_ROOT.

Only PNG and JPEG, recognised by their first bytes and opened by Pillow: an SVG could carry
scripts, and a file named .png may be anything.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from benecomune.core.uploads import file_sha256, sniff

MAX_LOGO_BYTES = 1024 * 1024
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
LOGO_TYPES = ("png", "jpeg")


@dataclass(frozen=True)
class CheckedLogo:
    extension: str
    sha256: str


def check_logo(uploaded) -> CheckedLogo:
    """Raise ValidationError (field "logo", Italian) unless `uploaded` is a PNG or JPEG image
    of at most 1 MB."""
    size = getattr(uploaded, "size", 0) or 0
    if size <= 0:
        raise ValidationError({"logo": _("Il file del logo è vuoto.")})
    if size > MAX_LOGO_BYTES:
        raise ValidationError(
            {"logo": _("Il logo è troppo grande: il limite è 1 MB. Ne carichi uno più leggero.")}
        )
    uploaded.seek(0)
    detected = sniff(uploaded.read(16), LOGO_TYPES)
    if detected is None:
        raise ValidationError({"logo": _("Il logo deve essere un'immagine PNG o JPEG.")})
    from PIL import Image, UnidentifiedImageError

    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(
            {"logo": _("L'immagine del logo è danneggiata: la salvi di nuovo e riprovi.")}
        ) from exc
    return CheckedLogo(extension=detected[1], sha256=file_sha256(uploaded))


def store_logo(municipality, uploaded, checked: CheckedLogo) -> None:
    """Write the file and point the Comune at it (the caller saves the Comune)."""
    municipality.logo.save(
        f"{municipality.slug}-{checked.sha256[:12]}.{checked.extension}",
        File(uploaded),
        save=False,
    )
