"""Logos and photos of a provider: sniffed by their first bytes (core.uploads.check_upload),
opened by Pillow, refused when too large in bytes or pixels, and re-encoded at most
`max_edge` pixels on the longest side. Re-encoding also drops what the camera wrote in the
file (GPS position, device), which a public page must not carry."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from benecomune.core.uploads import CheckedUpload, check_upload

IMAGE_TYPES = ("jpeg", "png")
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
LOGO_EDGE = 512
PHOTO_EDGE = 1600


@dataclass(frozen=True)
class PreparedImage:
    checked: CheckedUpload
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def prepare_image(uploaded, *, max_edge: int, field: str = "image") -> PreparedImage:
    """Raise ValidationError on `field` (Italian) unless `uploaded` is a PNG or JPEG image
    within the limits; return it resized and re-encoded."""
    try:
        checked = check_upload(uploaded, max_bytes=MAX_IMAGE_BYTES, allowed_types=IMAGE_TYPES)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    from PIL import Image, UnidentifiedImageError

    damaged = ValidationError(
        {field: _("L'immagine è danneggiata o non è un'immagine: la salvi di nuovo e riprovi.")}
    )
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    {field: _("L'immagine ha troppi pixel: la riduca e riprovi.")}
                )
            probe.verify()
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image.load()
            image.thumbnail((max_edge, max_edge))
            out = io.BytesIO()
            if checked.extension == "png":
                image.save(out, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            width, height = image.size
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise damaged from exc
    finally:
        uploaded.seek(0)
    return PreparedImage(
        checked=checked,
        content=out.getvalue(),
        content_type=checked.content_type,
        extension=checked.extension,
        width=width,
        height=height,
    )
