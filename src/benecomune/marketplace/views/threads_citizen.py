"""The citizen's conversations with providers (/area-personale/conversazioni/): the list with
unread counts, a thread (reply, attachments, close, report), and writing to a provider.

The citizen area's scope is the network of the citizen's Comune: `Thread.objects` finds the
citizen's threads with the network's providers; the filter on the person keeps them their own.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from benecomune.core.actors import Actor
from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.core.models import Provider
from benecomune.core.views.decorators import citizen_required
from benecomune.marketplace.models import Message, Side, Thread
from benecomune.marketplace.services import threads as services
from benecomune.marketplace.subjects import parse_about, resolve_subject
from benecomune.marketplace.thread_forms import MessageForm, ReportForm, StartForm
from benecomune.marketplace.thread_queries import response_time_text, usual_response_seconds
from benecomune.marketplace.views import threads_common as common

PER_PAGE = 20


def citizen_actor(request) -> Actor:
    """The citizen themselves, whatever staff role the switcher holds."""
    return Actor(user=request.user, ip_address=getattr(request.actor, "ip_address", None))


def _thread(request, pk) -> Thread:
    return get_object_or_404(
        Thread.objects.select_related("provider", "person"),
        pk=pk,
        person_id=request.user.person_id,
    )


@citizen_required
def my_threads(request):
    rows = (
        Thread.objects.filter(person_id=request.user.person_id)
        .select_related("provider")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(
                    messages__side=Side.PROVIDER,
                    messages__hidden_at=None,
                    messages__pk__gt=F("citizen_read_upto"),
                ),
            )
        )
        .order_by("-last_message_at", "-pk")
    )
    listing = paged(request, rows, per_page=PER_PAGE)
    return render(request, "marketplace/threads/citizen_list.html", listing.context())


@citizen_required
def my_thread(request, pk):
    thread = _thread(request, pk)
    actor = citizen_actor(request)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        response = common.reply(request, actor, thread, form, request.path)
        if response is not None:
            return response
    context = common.thread_context(thread, Side.CITIZEN, common.CITIZEN, form)
    services.mark_read(actor, thread)
    return render(
        request,
        "marketplace/threads/citizen_thread.html",
        context,
        status=400 if form.errors else 200,
    )


@require_POST
@citizen_required
def my_thread_status(request, pk):
    thread = _thread(request, pk)
    return common.change_status(request, citizen_actor(request), thread, thread_url(thread))


@citizen_required
def my_thread_report(request, pk, message_pk):
    thread = _thread(request, pk)
    message = get_object_or_404(
        Message.objects.filter(thread=thread, hidden_at=None), pk=message_pk, side=Side.PROVIDER
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        response = common.report(request, citizen_actor(request), message, form, thread_url(thread))
        if response is not None:
            return response
    return render(
        request,
        "marketplace/threads/report.html",
        {"thread": thread, "message": message, "form": form, "back": thread_url(thread)},
        status=400 if form.errors else 200,
    )


def thread_url(thread) -> str:
    return reverse("marketplace:my_thread", args=[thread.pk])


@citizen_required
def my_thread_new(request, provider_id):
    person = request.user.person
    provider = Provider.objects.filter(
        pk=provider_id, is_active=True, network_id=person.residence.network_id
    ).first()
    if provider is None:
        raise Http404
    about = request.GET.get("about") or request.POST.get("about") or ""
    form = StartForm(request.POST or None, request.FILES or None)
    about_type, about_id, about_title, about_error = "", None, "", ""
    try:
        about_type, about_id = parse_about(about)
        if about_type:
            about_title = resolve_subject(about_type, about_id, person, provider).title
    except ValidationError as exc:
        about_error = exc.messages[0]
    if request.method == "POST" and form.is_valid() and not about_error:
        data = form.cleaned_data
        try:
            thread = services.start_thread(
                citizen_actor(request),
                provider,
                person,
                subject=data["subject"],
                text=data["text"],
                about_type=about_type,
                about_id=about_id,
                files=data["files"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("marketplace:my_thread", pk=thread.pk)
    return render(
        request,
        "marketplace/threads/start.html",
        {
            "provider": provider,
            "form": form,
            "about": about if not about_error else "",
            "about_title": about_title,
            "about_error": about_error,
            "response_time": response_time_text(usual_response_seconds(provider.pk)),
            "cancel_url": reverse("marketplace:my_threads"),
        },
        status=400 if form.errors or about_error else 200,
    )
