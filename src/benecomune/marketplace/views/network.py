"""The network administrators' pages: sign-ups to approve, the accreditation queue, the
review of one request (documents through the checked file view, verify, decide), and the
network's checklist."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.models import Provider
from benecomune.marketplace.forms import DecisionForm, RequirementForm, ReviewDecisionForm
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationEvidence,
    AccreditationRequirement,
    AccreditationStatus,
    ProviderProfile,
    RegistrationStatus,
)
from benecomune.marketplace.services import accreditation as services
from benecomune.marketplace.services import checklist as checklist_services
from benecomune.marketplace.services import signup as signup_services
from benecomune.marketplace.views.common import network_page
from benecomune.marketplace.views.provider import _detail_context

S = AccreditationStatus
QUEUE_STATUSES = (S.SUBMITTED, S.IN_REVIEW)


@network_page
def network_home(request, network):
    status = request.GET.get("stato") or ""
    rows = Accreditation.for_network.filter(network=network).select_related("provider")
    if status in S.values:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(status__in=QUEUE_STATUSES)
    pending = ProviderProfile.objects.filter(
        provider__network=network, registration=RegistrationStatus.PENDING
    ).select_related("provider")
    return render(
        request,
        "marketplace/network/home.html",
        {
            "network": network,
            "accreditations": rows.order_by("submitted_at", "pk"),
            "pending": pending,
            "status": status,
            "statuses": S.choices,
        },
    )


def _pending_profile(network, pk) -> ProviderProfile:
    profile = (
        ProviderProfile.objects.filter(provider__network=network, provider_id=pk)
        .select_related("provider", "provider__municipality")
        .first()
    )
    if profile is None:
        raise Http404
    return profile


@network_page
def signup_detail(request, network, pk):
    profile = _pending_profile(network, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        provider = Provider.objects.get(pk=profile.provider_id)
        try:
            if request.POST.get("decision") == "approve":
                signup_services.approve_signup(
                    request.actor, provider, base_url=request.build_absolute_uri("/")
                )
                messages.success(request, _("Iscrizione approvata."))
            else:
                signup_services.refuse_signup(
                    request.actor, provider, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Iscrizione respinta."))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("marketplace:network_home")
    return render(
        request,
        "marketplace/network/signup.html",
        {"network": network, "profile": profile, "provider": profile.provider, "form": form},
    )


def _network_accreditation(network, pk) -> Accreditation:
    accreditation = (
        Accreditation.for_network.filter(network=network, pk=pk).select_related("provider").first()
    )
    if accreditation is None:
        raise Http404
    return accreditation


ACTIONS = {
    "review": lambda actor, a, reason: services.take_in_review(actor, a),
    "accredit": lambda actor, a, reason: services.accredit(actor, a),
    "reject": lambda actor, a, reason: services.reject(actor, a, reason=reason),
    "suspend": lambda actor, a, reason: services.suspend(actor, a, reason=reason),
    "renew": lambda actor, a, reason: services.renew(actor, a),
    "revoke": lambda actor, a, reason: services.revoke(actor, a, reason=reason),
}
# What each decision did, said after it (not a bare "Fatto.").
DONE = {
    "review": _lazy("Domanda presa in esame: verifichi i documenti."),
    "accredit": _lazy("Fornitore accreditato: gli è stato comunicato."),
    "reject": _lazy("Domanda respinta: la motivazione è stata comunicata al fornitore."),
    "suspend": _lazy("Accreditamento sospeso: la motivazione è stata comunicata al fornitore."),
    "renew": _lazy("Accreditamento rinnovato: gli è stato comunicato."),
    "revoke": _lazy("Accreditamento revocato: la motivazione è stata comunicata al fornitore."),
}


@network_page
def review(request, network, pk):
    accreditation = _network_accreditation(network, pk)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST":
        name = request.POST.get("action", "")
        action = ACTIONS.get(name)
        try:
            if action is None:
                raise ValidationError(_("Scelta non valida."))
            action(request.actor, accreditation, request.POST.get("reason", ""))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, str(DONE[name]))
            return redirect("marketplace:review", pk=accreditation.pk)
    context = _detail_context(accreditation, None, decision_form=form, network=network)
    context["can_decide"] = can_decide = not services.took_part(request.actor.user, accreditation)
    # The decision's form: where there is one to take (and by whom the four-eyes rule allows),
    # or to show why the one just asked for was refused.
    context["show_decision"] = bool(form.errors) or (
        accreditation.status in (S.SUBMITTED, S.ACCREDITED, S.SUSPENDED)
        or (accreditation.status == S.IN_REVIEW and can_decide)
    )
    return render(request, "marketplace/network/review.html", context)


@require_POST
@network_page
def verify(request, network, pk, evidence_pk):
    accreditation = _network_accreditation(network, pk)
    evidence = AccreditationEvidence.for_network.filter(
        accreditation=accreditation, pk=evidence_pk
    ).first()
    if evidence is None:
        raise Http404
    try:
        services.verify_evidence(request.actor, evidence)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Documento verificato."))
    return redirect("marketplace:review", pk=accreditation.pk)


@network_page
def checklist(request, network):
    form = RequirementForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "seed":
            added = checklist_services.ensure_default_checklist(request.actor, network)
            messages.success(
                request, _("Requisiti predefiniti aggiunti: %(n)s.") % {"n": len(added)}
            )
            return redirect("marketplace:checklist")
        if form.is_valid():
            try:
                checklist_services.save_requirement(request.actor, network, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Requisito aggiunto."))
                return redirect("marketplace:checklist")
    requirements = AccreditationRequirement.objects.filter(network=network)
    return render(
        request,
        "marketplace/network/checklist.html",
        {"network": network, "requirements": requirements, "form": form},
    )
