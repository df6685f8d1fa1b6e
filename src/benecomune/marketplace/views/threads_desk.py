"""A Comune's desk writing to providers for a resident (core.on_behalf): the resident's
threads, a new one, a thread's page. Every message and change carries the consent note; the
staff scope is the operator's Comune (`Thread.for_desk`: the citizen's Comune of residence),
so another Comune's resident or thread is a 404. Attachments are listed without a link: the
files are for the thread's two parties only."""

from functools import wraps

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.models import OrganizationKind, Person, Provider
from benecomune.core.views.decorators import staff_permission
from benecomune.marketplace.models import Side, Thread
from benecomune.marketplace.services import threads as services
from benecomune.marketplace.services.thread_access import DESK_PERMISSION
from benecomune.marketplace.thread_forms import DeskMessageForm, DeskStartForm
from benecomune.marketplace.views import threads_common as common


def desk_page(view):
    """A Comune's desk (desk.assist in a municipality's role): a network's administrator,
    who also holds desk.assist, does not read the residents' threads."""

    @wraps(view)
    @staff_permission(DESK_PERMISSION)
    def wrapper(request, *args, **kwargs):
        if request.actor.organization.kind != OrganizationKind.MUNICIPALITY:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _person(pk) -> Person:
    return get_object_or_404(Person.objects.select_related("residence"), pk=pk)


def _thread(pk) -> Thread:
    return get_object_or_404(Thread.for_desk.select_related("provider", "person"), pk=pk)


def thread_url(thread) -> str:
    return reverse("marketplace:desk_thread", args=[thread.pk])


@desk_page
def desk_threads(request, person_pk):
    person = _person(person_pk)
    threads = Thread.for_desk.filter(person=person).select_related("provider")
    providers = Provider.objects.filter(
        network_id=person.residence.network_id, is_active=True
    ).order_by("name")
    return render(
        request,
        "marketplace/threads/desk_list.html",
        {"person": person, "threads": threads.order_by("-last_message_at"), "providers": providers},
    )


@desk_page
def desk_thread_new(request, person_pk, provider_id):
    person = _person(person_pk)
    provider = Provider.objects.filter(
        pk=provider_id, is_active=True, network_id=person.residence.network_id
    ).first()
    if provider is None:
        raise Http404
    form = DeskStartForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.start_thread(
                request.actor,
                provider,
                person,
                subject=data["subject"],
                text=data["text"],
                files=data["files"],
                consent_note=data["consent_note"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(thread_url(thread))
    return render(
        request,
        "marketplace/threads/start.html",
        {
            "provider": provider,
            "person": person,
            "form": form,
            "cancel_url": reverse("marketplace:desk_threads", args=[person.pk]),
        },
        status=400 if form.errors else 200,
    )


@desk_page
def desk_thread(request, pk):
    thread = _thread(pk)
    form = DeskMessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        response = common.reply(
            request,
            request.actor,
            thread,
            form,
            thread_url(thread),
            consent_note=request.POST.get("consent_note", ""),
        )
        if response is not None:
            return response
    context = common.thread_context(thread, Side.CITIZEN, None, form)
    context["desk"] = True
    return render(
        request,
        "marketplace/threads/desk_thread.html",
        context,
        status=400 if form.errors else 200,
    )


@require_POST
@desk_page
def desk_thread_status(request, pk):
    thread = _thread(pk)
    return common.change_status(
        request,
        request.actor,
        thread,
        thread_url(thread),
        consent_note=request.POST.get("consent_note", ""),
    )
