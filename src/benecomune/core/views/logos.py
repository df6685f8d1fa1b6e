"""A Comune's logo, public like its page. Kept apart from the checked views that serve private
files: nothing here reads any file but the logo the Comune's row points at."""

import mimetypes

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from benecomune.core.logos import CONTENT_TYPES
from benecomune.core.models import Municipality


@require_GET
def municipality_logo(request, slug):
    municipality = Municipality.objects.filter(slug=slug, is_active=True).first()
    if municipality is None or not municipality.logo:
        raise Http404
    extension = municipality.logo.name.rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(municipality.logo.name)[0]
    if content_type not in CONTENT_TYPES.values():
        raise Http404
    try:
        handle = municipality.logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
