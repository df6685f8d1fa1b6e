"""The page where the Comune that owns a social project changes its beneficiary body and IBAN
(funds.manage; another Comune's or network's project is a 404). The rules are in
services/shared_value_beneficiary.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.views.decorators import staff_permission
from benecomune.observatory.forms_shared_value import BeneficiaryForm
from benecomune.observatory.services import shared_value_beneficiary as beneficiary
from benecomune.observatory.views_shared_value import active_providers, own_project


@staff_permission("funds.manage")
def project_beneficiary(request, pk):
    project = own_project(request, pk)
    initial = {"beneficiary": project.beneficiary_id, "beneficiary_iban": project.beneficiary_iban}
    form = BeneficiaryForm(request.POST or None, initial=initial, providers=active_providers())
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary.set_beneficiary(request.actor, project, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("Il suo ruolo non può rimettere in pagamento i bonifici."))
        else:
            messages.success(request, _("Ente beneficiario e IBAN del progetto aggiornati."))
            return redirect("observatory:sv_manage")
    return render(
        request,
        "observatory/shared_value/beneficiary.html",
        {
            "title": _("Ente beneficiario e IBAN"),
            "form": form,
            "project": project,
            "in_progress": (
                beneficiary.in_progress_message()
                if beneficiary.disbursement_in_progress(project)
                else ""
            ),
        },
    )
