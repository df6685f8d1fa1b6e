"""The provider's own pages: "Profilo" (profile, images, staff roles) and "Accreditamenti"
(requests per area, the checklist with uploads, submit)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.files import file_url
from benecomune.core.forms_helpers import add_errors
from benecomune.core.models import Membership
from benecomune.marketplace.forms import (
    DraftForm,
    EvidenceForm,
    ImageForm,
    ProfileForm,
    StaffRoleForm,
)
from benecomune.marketplace.models import (
    Accreditation,
    ProviderImage,
    StaffRole,
)
from benecomune.marketplace.services import accreditation as services
from benecomune.marketplace.services import profiles
from benecomune.marketplace.services.common import PROVIDER_ROLES, is_owner, staff_role
from benecomune.marketplace.views.common import provider_page


@provider_page
def profile(request, provider):
    actor = request.actor
    profile = profiles.profile_of(provider)
    owner = is_owner(actor, provider)
    form = _profile_form(provider, profile, request.POST or None)
    if request.method == "POST":
        if not owner:
            raise PermissionDenied
        if form.is_valid():
            try:
                profiles.update_profile(actor, provider, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Profilo salvato."))
                return redirect("marketplace:profile")
    return _profile_page(request, provider, profile, form, ImageForm())


def _profile_form(provider, profile, data=None) -> ProfileForm:
    initial = {}
    if profile is not None:
        initial = {name: getattr(profile, name) for name in profiles.PROFILE_FIELDS}
        initial["municipalities_served"] = list(profile.municipalities_served.all())
    return ProfileForm(data, initial=initial, municipalities=profiles.municipalities_of(provider))


def _profile_page(request, provider, profile, form, image_form):
    """The page "Profilo": the profile's form, the images with the upload form (either bound,
    its errors next to its fields), the staff."""
    images = ProviderImage.objects.filter(provider=provider).order_by("kind", "uploaded_at")
    staff = Membership.objects.filter(
        organization=provider, role__in=PROVIDER_ROLES, is_active=True
    ).select_related("user")
    return render(
        request,
        "marketplace/provider/profile.html",
        {
            "provider": provider,
            "profile": profile,
            "form": form,
            "owner": is_owner(request.actor, provider),
            "images": [(image, file_url("marketplace-image", image.pk)) for image in images],
            "image_form": image_form,
            "staff": [(m, StaffRole(staff_role(m)).label) for m in staff],
            "role_form": StaffRoleForm(),
        },
    )


@require_POST
@provider_page
def image_add(request, provider):
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            profiles.add_image(
                request.actor,
                provider,
                form.cleaned_data["image"],
                kind=form.cleaned_data["kind"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Immagine caricata."))
            return redirect("marketplace:profile")
    # The page again: the upload's errors next to its fields, the description kept.
    profile = profiles.profile_of(provider)
    return _profile_page(request, provider, profile, _profile_form(provider, profile), form)


@require_POST
@provider_page
def image_remove(request, provider, pk):
    image = get_object_or_404(ProviderImage.objects.filter(provider=provider), pk=pk)
    profiles.remove_image(request.actor, image)
    messages.success(request, _("Immagine tolta."))
    return redirect("marketplace:profile")


@require_POST
@provider_page
def staff_role_set(request, provider, pk):
    membership = get_object_or_404(
        Membership.objects.filter(organization=provider, role__in=PROVIDER_ROLES), pk=pk
    )
    form = StaffRoleForm(request.POST)
    if form.is_valid():
        try:
            profiles.set_staff_role(request.actor, membership, form.cleaned_data["role"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Ruolo aggiornato."))
    return redirect("marketplace:profile")


@provider_page
def my_accreditations(request, provider):
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accreditation = services.create_draft(
                request.actor, provider, area=form.cleaned_data["area"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("marketplace:my_accreditation", pk=accreditation.pk)
    rows = Accreditation.objects.filter(provider=provider).select_related("network")
    return render(
        request,
        "marketplace/provider/accreditations.html",
        {"provider": provider, "accreditations": rows, "form": form},
    )


def _own(provider, pk) -> Accreditation:
    """The provider's accreditation (another provider's is not found: 404)."""
    accreditation = Accreditation.objects.filter(provider=provider, pk=pk).first()
    if accreditation is None:
        raise Http404
    return accreditation


@provider_page
def my_accreditation(request, provider, pk):
    accreditation = _own(provider, pk)
    form = None
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            # The items of this request (the checklist is the network's: read by the service).
            requirement = next(
                (
                    item
                    for item, _evidence in services.checklist(accreditation)
                    if item.pk == form.cleaned_data["requirement"]
                ),
                None,
            )
            try:
                if requirement is None:
                    raise ValidationError(_("Questo documento non è nell'elenco della domanda."))
                services.upload_evidence(
                    request.actor,
                    accreditation,
                    requirement,
                    form.cleaned_data["file"],
                    issued_on=form.cleaned_data["issued_on"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Documento caricato."))
                return redirect("marketplace:my_accreditation", pk=accreditation.pk)
    return render(
        request,
        "marketplace/provider/accreditation.html",
        _detail_context(
            accreditation, form, can_upload=accreditation.status in services.UPLOAD_STATUSES
        ),
    )


def _detail_context(accreditation, form, **extra):
    items = [
        (requirement, evidence, file_url("marketplace-evidence", evidence.pk) if evidence else "")
        for requirement, evidence in services.checklist(accreditation)
    ]
    failed = None
    if form is not None and form.errors:
        failed = form.data.get("requirement")
    return {
        "accreditation": accreditation,
        "items": items,
        "form": form,
        "failed_requirement": str(failed or ""),
        **extra,
    }


@require_POST
@provider_page
def my_accreditation_submit(request, provider, pk):
    accreditation = _own(provider, pk)
    try:
        services.submit(request.actor, accreditation)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Domanda presentata: la rete la esaminerà."))
    return redirect("marketplace:my_accreditation", pk=accreditation.pk)
