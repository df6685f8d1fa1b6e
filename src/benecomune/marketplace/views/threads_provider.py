"""The provider's inbox (/gestione/fornitore/messaggi/): the threads of the active role's
provider with unread counts, open/closed filter, the usual response time; a thread (reply,
close, report). `Thread.objects` is scoped by the provider: another provider's thread is 404."""

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from benecomune.core.lists import filter_form, filtered, paged
from benecomune.marketplace.models import Message, Side, Thread
from benecomune.marketplace.services import threads as services
from benecomune.marketplace.thread_forms import InboxFilterForm, MessageForm, ReportForm
from benecomune.marketplace.thread_queries import (
    response_time_text,
    unread_threads_count,
    usual_response_seconds,
)
from benecomune.marketplace.views import threads_common as common
from benecomune.marketplace.views.common import provider_page

PER_PAGE = 25
UNREAD = Count(
    "messages",
    filter=Q(
        messages__side=Side.CITIZEN,
        messages__hidden_at=None,
        messages__pk__gt=F("provider_read_upto"),
    ),
)


def _apply(rows, data):
    if data.get("stato"):
        rows = rows.filter(status=data["stato"])
    if data.get("da_leggere"):
        rows = rows.filter(unread__gt=0)
    return rows


@provider_page
def inbox(request, provider):
    threads = Thread.objects.filter(provider_id=provider.pk)
    form = filter_form(request, InboxFilterForm, initial={"stato": "open"})
    rows = filtered(
        form,
        threads.select_related("person").annotate(unread=UNREAD),
        _apply,
    ).order_by("-last_message_at", "-pk")
    listing = paged(request, rows, per_page=PER_PAGE, form=form)
    return render(
        request,
        "marketplace/threads/inbox.html",
        {
            **listing.context(),
            "provider": provider,
            "unread_threads": unread_threads_count(threads, Side.PROVIDER),
            "response_time": response_time_text(usual_response_seconds(provider.pk)),
        },
    )


def _thread(provider, pk) -> Thread:
    return get_object_or_404(
        Thread.objects.select_related("provider", "person"), pk=pk, provider_id=provider.pk
    )


def thread_url(thread) -> str:
    return reverse("marketplace:inbox_thread", args=[thread.pk])


@provider_page
def inbox_thread(request, provider, pk):
    thread = _thread(provider, pk)
    actor = request.actor
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        response = common.reply(request, actor, thread, form, thread_url(thread))
        if response is not None:
            return response
    context = common.thread_context(thread, Side.PROVIDER, common.STAFF, form)
    services.mark_read(actor, thread)
    return render(
        request,
        "marketplace/threads/provider_thread.html",
        context,
        status=400 if form.errors else 200,
    )


@require_POST
@provider_page
def inbox_thread_status(request, provider, pk):
    thread = _thread(provider, pk)
    return common.change_status(request, request.actor, thread, thread_url(thread))


@provider_page
def inbox_thread_report(request, provider, pk, message_pk):
    thread = _thread(provider, pk)
    message = get_object_or_404(
        Message.objects.filter(thread=thread, hidden_at=None), pk=message_pk, side=Side.CITIZEN
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        response = common.report(request, request.actor, message, form, thread_url(thread))
        if response is not None:
            return response
    return render(
        request,
        "marketplace/threads/report.html",
        {"thread": thread, "message": message, "form": form, "back": thread_url(thread)},
        status=400 if form.errors else 200,
    )
