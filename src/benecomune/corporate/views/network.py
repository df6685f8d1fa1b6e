"""The network admin adds a company to the network with its welfare profile."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.views.decorators import staff_permission
from benecomune.corporate.forms import JoinForm
from benecomune.corporate.services import companies
from benecomune.corporate.views.common import base_url


@staff_permission("organizations.manage")
def company_join(request):
    network = request.actor.organization.specific
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = companies.join_network(
                request.actor, network, **form.cleaned_data, base_url=base_url(request)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s fa ora parte della rete.") % {"name": company.name}
            )
            return redirect("core:organization_detail", pk=company.pk)
    return render(request, "corporate/company_join.html", {"form": form})
