"""Households in the registry, from the desk: a household with its members in one page, one
more member for an existing household, a member's relationship to the head changed (or a new
head named) and a member taken out. The services check and audit everything."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.household_forms import (
    AddMemberForm,
    HouseholdForm,
    MemberFormSet,
    RelationshipForm,
    RemoveMemberForm,
)
from benecomune.core.models import Household, HouseholdMember, Municipality, Person, Relationship
from benecomune.core.services import households as services
from benecomune.core.views.decorators import staff_permission


def _municipalities(actor):
    return Municipality.objects.filter(pk__in=actor.tenant_ids).order_by("name")


def _apply_errors(form, formset, exc: ValidationError) -> None:
    """Row errors ("members-<i>") on their row, the rest on the household form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        if key.startswith("members-"):
            formset.forms[int(key.split("-", 1)[1])].add_error(None, errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


@staff_permission("people.edit")
def household_create(request):
    form = HouseholdForm(request.POST or None, municipalities=_municipalities(request.actor))
    formset = MemberFormSet(
        request.POST or None, prefix="members", initial=[{"relationship": Relationship.HEAD}]
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        # Rows left blank are skipped; the index maps each error back to its row.
        rows = [(i, f) for i, f in enumerate(formset.forms) if f.has_changed() and f.cleaned_data]
        try:
            household = services.register_household(
                request.actor,
                municipality=form.cleaned_data["municipality"],
                address=form.cleaned_data["address"],
                members=[f.member() for _i, f in rows],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                remapped = {}
                for key, errors in exc.message_dict.items():
                    if key.startswith("members-"):
                        key = f"members-{rows[int(key.split('-', 1)[1])][0]}"
                    remapped[key] = errors
                exc = ValidationError(remapped)
            _apply_errors(form, formset, exc)
        else:
            messages.success(request, _("Nucleo familiare registrato."))
            return redirect("core:person_detail", pk=household.head.pk)
    invalid = request.method == "POST"
    return render(
        request,
        "core/households/form.html",
        {"form": form, "formset": formset},
        status=400 if invalid else 200,
    )


@staff_permission("people.edit")
def household_add_member(request, pk):
    household = get_object_or_404(Household.objects.prefetch_related("members__person"), pk=pk)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(request.actor, household, form.member())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s aggiunto/a al nucleo.") % {"name": member.person.full_name},
            )
            return redirect("core:person_detail", pk=member.person_id)
    return render(
        request,
        "core/households/add_member.html",
        {"form": form, "household": household},
        status=400 if form.errors else 200,
    )


def _membership(pk):
    """The person (of the staff member's Comuni: another's is a 404) and their household row."""
    person = get_object_or_404(Person.objects, pk=pk)
    member = get_object_or_404(
        HouseholdMember.objects.select_related("household", "person"), person=person
    )
    return person, member


@staff_permission("people.edit")
def member_relationship(request, pk):
    """A member's relationship to the head changed, or the member named head."""
    person, member = _membership(pk)
    form = RelationshipForm(request.POST or None, initial={"relationship": member.relationship})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_relationship(request.actor, member, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Relazione di %(name)s con l'intestatario aggiornata.")
                % {"name": person.full_name},
            )
            return redirect("core:person_detail", pk=person.pk)
    return render(
        request,
        "core/households/relationship.html",
        {"form": form, "person": person, "member": member},
        status=400 if form.errors else 200,
    )


@staff_permission("people.edit")
def member_remove(request, pk):
    """A member taken out of the household, after a page that says what stays and asks for a
    reason and an explicit confirmation."""
    person, member = _membership(pk)
    form = RemoveMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(request.actor, member, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s non fa più parte del nucleo.") % {"name": person.full_name}
            )
            head = member.household.head
            return redirect("core:person_detail", pk=head.pk if head else person.pk)
    return render(
        request,
        "core/households/remove_member.html",
        {"form": form, "person": person, "member": member},
        status=400 if form.errors else 200,
    )
