"""The one door to stored and generated files (see core/files.py): /gestione/ for the active
staff role, /area-personale/ for the citizen. Anonymous visitors are sent to the login page;
everyone else gets the file or a 404, whether the kind, the id or the permission is wrong."""

from django.contrib.auth.decorators import login_required

from benecomune.core.files import CITIZEN, STAFF, serve


@login_required
def staff_file(request, kind, pk):
    return serve(request, kind, pk, STAFF)


@login_required
def citizen_file(request, kind, pk):
    return serve(request, kind, pk, CITIZEN)
