"""Devices and integrations: API tokens of the active organisation."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms import TokenForm
from benecomune.core.models import ApiToken
from benecomune.core.services.tokens import create_api_token, revoke_api_token
from benecomune.core.views.decorators import staff_permission


@staff_permission("tokens.manage")
def token_list(request):
    organization = request.actor.organization
    form = TokenForm(request.POST or None)
    clear = None
    if request.method == "POST" and form.is_valid():
        _token, clear = create_api_token(request.actor, organization, form.cleaned_data["name"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(organization=organization).order_by("-created_at")
    return render(
        request, "core/tokens/list.html", {"form": form, "tokens": tokens, "clear_token": clear}
    )


@staff_permission("tokens.manage")
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects, pk=pk, organization=request.actor.organization)
    if request.method == "POST":
        revoke_api_token(request.actor, token, reason=request.POST.get("reason", ""))
        messages.success(request, _("Token revocato: il dispositivo non può più accedere."))
    return redirect("core:tokens")
