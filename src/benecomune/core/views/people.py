"""The registry for desk operators and the Comune: search, register, payment data."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms import ContactsForm, PaymentAccountForm, PersonForm
from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.core.models import AuditEvent, Municipality, Person
from benecomune.core.services import people as people_services
from benecomune.core.views.decorators import staff_permission


def _municipalities(actor):
    return Municipality.objects.filter(pk__in=actor.tenant_ids).order_by("name")


@staff_permission("people.view")
def people_list(request):
    query = request.GET.get("q", "").strip()
    people = Person.objects.select_related("residence").order_by("last_name", "first_name")
    if query:
        people = people.filter(
            Q(fiscal_code__iexact=query.replace(" ", ""))
            | Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
        )
    listing = paged(request, people, per_page=25)
    template = "core/people/_results.html" if request.htmx else "core/people/list.html"
    return render(
        request,
        template,
        {
            **listing.context(),
            "query": query,
            "can_edit": request.actor.has_perm("people.edit"),
        },
    )


@staff_permission("people.view")
def person_detail(request, pk):
    # Scoped manager: a person of another Comune is simply not found (404), not forbidden.
    person = get_object_or_404(Person.objects.select_related("residence"), pk=pk)
    household = people_services.household_of(person)
    members = household.members.select_related("person") if household else []
    events = AuditEvent.objects.filter(person=person).select_related("actor")[:20]
    return render(
        request,
        "core/people/detail.html",
        {
            "person": person,
            "household": household,
            "members": members,
            "events": events,
            "can_edit": request.actor.has_perm("people.edit"),
        },
    )


@staff_permission("people.edit")
def person_create(request):
    form = PersonForm(request.POST or None, municipalities=_municipalities(request.actor))
    if request.method == "POST" and form.is_valid():
        try:
            person = people_services.register_person(request.actor, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Persona registrata."))
            return redirect("core:person_detail", pk=person.pk)
    return render(request, "core/people/form.html", {"form": form})


def payment_account_form(request, person):
    """The payment-data form of `person` (staff or the citizen themselves), saved on a valid
    POST: (form, saved)."""
    form = PaymentAccountForm(
        request.POST or None,
        initial={"iban": person.iban, "iban_holder": person.iban_holder or person.full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.set_payment_account(
                request.actor,
                person,
                iban=form.cleaned_data["iban"],
                holder=form.cleaned_data["iban_holder"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Dati di pagamento aggiornati."))
            return form, True
    return form, False


@staff_permission("people.edit")
def person_iban(request, pk):
    person = get_object_or_404(Person.objects, pk=pk)
    form, saved = payment_account_form(request, person)
    if saved:
        return redirect("core:person_detail", pk=person.pk)
    return render(request, "core/people/iban.html", {"form": form, "person": person})


@staff_permission("people.edit")
def person_contacts(request, pk):
    """E-mail, telephone and address of a person, corrected at the desk (the person moved,
    changed number): the provider of an at-home service and the notices use them."""
    person = get_object_or_404(Person.objects, pk=pk)
    form = ContactsForm(
        request.POST or None,
        initial={"email": person.email, "phone": person.phone, "address": person.address},
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.update_contacts(request.actor, person, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Contatti e indirizzo aggiornati."))
            return redirect("core:person_detail", pk=person.pk)
    return render(request, "core/people/contacts.html", {"form": form, "person": person})


_add_errors = add_errors
