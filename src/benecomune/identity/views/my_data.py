"""The citizen's "I miei dati": what the platform holds, the export with its progress, the
consents with their withdrawal, and who in the administration viewed their data."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.files import CITIZEN, file_url
from benecomune.core.lists import paged
from benecomune.core.scoping import all_tenants
from benecomune.core.views.decorators import citizen_required
from benecomune.identity import access_log, my_data
from benecomune.identity.consents import consents_of, withdraw_assistance_consent
from benecomune.identity.my_data_export import own_export
from benecomune.identity.services import my_data as services


def _progress_context(request, job):
    download = ""
    if job is not None and job.status == "done" and job.result_file:
        download = file_url("my-data", job.pk, CITIZEN)
    return {"job": job, "download_url": download}


@citizen_required
def my_data_page(request):
    person = request.user.person
    # The person's own rows, in every Comune: each query is filtered by the person.
    with all_tenants():
        data = my_data.collect(person)
        consents = consents_of(person.pk)
    categories = [(c.label, len(data[c.key])) for c in my_data.CATEGORIES]
    return render(
        request,
        "identity/my_data.html",
        {
            "categories": categories,
            "consents": consents,
            "accesses": access_log.entries_for_person(person.pk)[:20],
            **_progress_context(request, services.latest_export(person.pk)),
        },
    )


@citizen_required
def my_data_accesses(request):
    listing = paged(request, access_log.entries_for_person(request.user.person_id), per_page=30)
    return render(request, "identity/my_data_accesses.html", listing.context())


@require_POST
@citizen_required
def my_data_export(request):
    services.request_export(request.actor)
    messages.success(request, _("Stiamo preparando i suoi dati: la pagina mostra l'avanzamento."))
    return redirect("identity:my_data")


@citizen_required
def my_data_progress(request, pk):
    job = own_export(request.actor, pk)
    if job is None:
        raise Http404
    return render(request, "identity/my_data_progress.html", _progress_context(request, job))


@require_POST
@citizen_required
def my_data_withdraw_consent(request, pk):
    try:
        withdraw_assistance_consent(request.actor, pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Consenso revocato: lo sportello non può più modificare la domanda.")
        )
    return redirect("identity:my_data")
