"""Devices and integrations: API tokens of the active organisation; and a citizen's own tokens
for the apps that act for them (the citizen's booking API, docs/bookings.md)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms import CitizenTokenForm, TokenForm
from benecomune.core.models import ApiToken, CitizenToken
from benecomune.core.services.tokens import (
    create_api_token,
    create_citizen_token,
    revoke_api_token,
    revoke_citizen_token,
)
from benecomune.core.views.decorators import citizen_required, staff_permission


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
        request,
        "core/tokens/list.html",
        {"form": form, "tokens": tokens, "clear_token": clear, "revoke_url": "core:token_revoke"},
    )


@staff_permission("tokens.manage")
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects, pk=pk, organization=request.actor.organization)
    if request.method == "POST":
        revoke_api_token(request.actor, token, reason=request.POST.get("reason", ""))
        messages.success(request, _("Token revocato: il dispositivo non può più accedere."))
    return redirect("core:tokens")


@citizen_required
def my_tokens(request):
    form = CitizenTokenForm(request.POST or None)
    clear = None
    if request.method == "POST" and form.is_valid():
        _token, clear = create_citizen_token(request.actor, form.cleaned_data["name"])
        form = CitizenTokenForm()
    tokens = CitizenToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "core/tokens/list.html",
        {
            "form": form,
            "tokens": tokens,
            "clear_token": clear,
            "revoke_url": "core:my_token_revoke",
            "citizen": True,
        },
    )


@citizen_required
def my_token_revoke(request, pk):
    token = get_object_or_404(CitizenToken.objects, pk=pk, user=request.user)
    if request.method == "POST":
        revoke_citizen_token(request.actor, token, reason=request.POST.get("reason", ""))
        messages.success(request, _("Accesso revocato: l'app non può più agire per lei."))
    return redirect("core:my_tokens")
