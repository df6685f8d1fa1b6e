"""Helpers shared by the payouts pages."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def file_response(field, filename: str, content_type: str) -> FileResponse:
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def querystring(request, **drop) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for key in drop:
        params.pop(key, None)
    return params.urlencode()
