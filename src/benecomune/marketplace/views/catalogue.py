"""The provider's catalogue pages ("Servizi offerti"): the list of its own services, a
service's form with its variants and photos, the status changes (confirmed on a page of their
own, then POSTed), and the import from a CSV/XLSX file with its error report. Another
provider's service is not found (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from benecomune.core.exports import CSV_TYPE
from benecomune.core.files import file_url
from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import choice, paged
from benecomune.ledger.money import format_euro
from benecomune.marketplace.forms import ImportForm, PhotoForm, ServiceForm, VariantForm
from benecomune.marketplace.models import (
    ProviderProfile,
    PublicationStatus,
    Service,
    ServicePhoto,
    ServiceStatus,
    ServiceVariant,
)
from benecomune.marketplace.services import catalogue as services
from benecomune.marketplace.services.catalogue_fields import SERVICE_FIELDS
from benecomune.marketplace.services.catalogue_import import (
    COLUMNS,
    ImportRefused,
    import_services,
    template_csv,
)
from benecomune.marketplace.services.profiles import municipalities_of
from benecomune.marketplace.views.common import provider_page

PAGE_SIZE = 25
# action in the URL -> (service, target status, button, the confirmation's title, its text)
ACTIONS = {
    "pubblica": (
        services.publish,
        ServiceStatus.PUBLISHED,
        gettext_lazy("Pubblica"),
        gettext_lazy("Pubblicare il servizio?"),
        gettext_lazy("Il servizio comparirà nel catalogo della rete."),
    ),
    "bozza": (
        services.unpublish,
        ServiceStatus.DRAFT,
        gettext_lazy("Riporta in bozza"),
        gettext_lazy("Riportare il servizio in bozza?"),
        gettext_lazy("Il servizio non comparirà più nel catalogo finché non lo pubblica di nuovo."),
    ),
    "archivia": (
        services.archive,
        ServiceStatus.ARCHIVED,
        gettext_lazy("Archivia"),
        gettext_lazy("Archiviare il servizio?"),
        gettext_lazy("Il servizio non sarà più offerto; resta nell'elenco per memoria."),
    ),
    "ripristina": (
        services.restore,
        ServiceStatus.DRAFT,
        gettext_lazy("Ripristina in bozza"),
        gettext_lazy("Ripristinare il servizio in bozza?"),
        gettext_lazy("Potrà modificarlo e pubblicarlo di nuovo."),
    ),
}


def _own(provider, pk) -> Service:
    service = Service.objects.filter(provider=provider, pk=pk).first()
    if service is None:
        raise Http404
    return service


def _price_text(cents) -> str:
    return format_euro(cents).replace("€", "").strip() if cents else ""


def _initial(service: Service) -> dict:
    initial = {name: getattr(service, name) for name in SERVICE_FIELDS}
    initial["price"] = _price_text(service.price)
    initial["duration_minutes"] = service.duration_minutes or ""
    initial["payable_by"] = service.payable_by
    initial["municipalities_served"] = list(service.municipalities_served.all())
    return initial


@provider_page
def service_list(request, provider):
    status = choice(request, "stato", ServiceStatus)
    rows = Service.objects.filter(provider=provider).order_by("title", "pk")
    if status:
        rows = rows.filter(status=status)
    listing = paged(request, rows, per_page=PAGE_SIZE)
    return render(
        request,
        "marketplace/provider/services.html",
        {
            **listing.context(),
            "provider": provider,
            "status": status,
            "statuses": ServiceStatus.choices,
        },
    )


@provider_page
def service_new(request, provider):
    form = ServiceForm(
        request.POST or None,
        initial={"price_kind": "priced", "delivery": "in_person", "payable_by": ["own"]},
        municipalities=municipalities_of(provider),
    )
    if request.method == "POST" and form.is_valid():
        try:
            service = services.create_service(request.actor, provider, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Servizio creato come bozza."))
            return redirect("marketplace:service", pk=service.pk)
    return render(
        request, "marketplace/provider/service_new.html", {"provider": provider, "form": form}
    )


@provider_page
def service_detail(request, provider, pk):
    service = _own(provider, pk)
    form = ServiceForm(
        request.POST or None,
        initial=_initial(service),
        municipalities=municipalities_of(provider),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_service(request.actor, service, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Servizio salvato."))
            return redirect("marketplace:service", pk=service.pk)
    return render(request, "marketplace/provider/service.html", _detail(service, form))


def _profile_hides(provider_id) -> bool:
    """The public pages show a provider's services only once its profile is published."""
    return not ProviderProfile.objects.filter(
        provider_id=provider_id, publication=PublicationStatus.PUBLISHED
    ).exists()


def _detail(service, form, *, variant_form=None, photo_form=None) -> dict:
    photos = ServicePhoto.objects.filter(service=service)
    hidden_by_profile = service.status != ServiceStatus.ARCHIVED and _profile_hides(
        service.provider_id
    )
    return {
        "service": service,
        "hidden_by_profile": hidden_by_profile,
        "public_url": _public_url(service) if not hidden_by_profile else "",
        "form": form,
        "editable": service.status != ServiceStatus.ARCHIVED,
        "variants": ServiceVariant.objects.filter(service=service),
        "variant_form": variant_form or VariantForm(),
        "photos": [(p, file_url("marketplace-service-photo", p.pk)) for p in photos],
        "photo_form": photo_form or PhotoForm(),
        "actions": [
            (slug, str(button))
            for slug, (_fn, target, button, _title, _text) in ACTIONS.items()
            if _allowed(service, slug, target)
        ],
    }


def _public_url(service) -> str:
    """Where citizens see the published service: the page under the provider's network."""
    network = service.provider.network
    if service.status != ServiceStatus.PUBLISHED or network is None:
        return ""
    return reverse("marketplace:catalogue_service", args=[network.slug, service.pk])


def _allowed(service, slug, target) -> bool:
    from benecomune.marketplace.lifecycles import SERVICE

    if SERVICE.find(service.status, target) is None:
        return False
    # "bozza" and "ripristina" both go to draft: each from its own status.
    if slug == "bozza":
        return service.status == ServiceStatus.PUBLISHED
    if slug == "ripristina":
        return service.status == ServiceStatus.ARCHIVED
    return True


@provider_page
def service_action(request, provider, pk, action):
    service = _own(provider, pk)
    if action not in ACTIONS:
        raise Http404
    function, _target, _button, title, text = ACTIONS[action]
    if request.method == "POST":
        try:
            function(request.actor, service)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Stato del servizio aggiornato."))
        return redirect("marketplace:service", pk=service.pk)
    return render(
        request,
        "marketplace/provider/service_confirm.html",
        {
            "service": service,
            "action": action,
            "title": title,
            "text": text,
            "hidden_by_profile": action == "pubblica" and _profile_hides(provider.pk),
        },
    )


def _report(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_POST
@provider_page
def variant_add(request, provider, pk):
    service = _own(provider, pk)
    form = VariantForm(request.POST)
    if form.is_valid():
        try:
            services.add_variant(request.actor, service, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Variante aggiunta."))
            return redirect("marketplace:service", pk=service.pk)
    detail = _detail(
        service,
        ServiceForm(initial=_initial(service), municipalities=municipalities_of(provider)),
        variant_form=form,
    )
    return render(request, "marketplace/provider/service.html", detail, status=400)


@require_POST
@provider_page
def variant_remove(request, provider, pk, variant_pk):
    service = _own(provider, pk)
    variant = get_object_or_404(ServiceVariant.objects.filter(service=service), pk=variant_pk)
    try:
        services.remove_variant(request.actor, variant)
    except ValidationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Variante tolta."))
    return redirect("marketplace:service", pk=service.pk)


@require_POST
@provider_page
def photo_add(request, provider, pk):
    service = _own(provider, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_photo(
                request.actor,
                service,
                form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except ValidationError as exc:
            _report(request, exc)
        else:
            messages.success(request, _("Foto caricata."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("marketplace:service", pk=service.pk)


@require_POST
@provider_page
def photo_remove(request, provider, pk, photo_pk):
    service = _own(provider, pk)
    photo = get_object_or_404(ServicePhoto.objects.filter(service=service), pk=photo_pk)
    services.remove_photo(request.actor, photo)
    messages.success(request, _("Foto tolta."))
    return redirect("marketplace:service", pk=service.pk)


@provider_page
def service_import(request, provider):
    form = ImportForm(request.POST or None, request.FILES or None)
    bad_rows = []
    if request.method == "POST" and form.is_valid():
        try:
            created = import_services(request.actor, provider, form.cleaned_data["file"].read())
        except ImportRefused as exc:
            bad_rows = exc.rows
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("%(n)s servizi importati come bozza.") % {"n": len(created)}
            )
            return redirect("marketplace:services")
    return render(
        request,
        "marketplace/provider/services_import.html",
        {"provider": provider, "form": form, "bad_rows": bad_rows, "columns": COLUMNS},
        status=400 if bad_rows or form.errors else 200,
    )


@provider_page
def service_import_template(request, provider):
    response = HttpResponse(template_csv(), content_type=CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="modello-servizi.csv"'
    return response
