"""Log every staff view of a page in identity.access_points: after the view answered with
success (a page that was refused or not found showed nothing). A person's file opened
outside the viewer's worklist first asks a reason (identity.views.access_reason)."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from benecomune.identity import access
from benecomune.identity.access_points import point_for

REASONS_SESSION_KEY = "identity.access_reasons"


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_access_pending", None)
        if pending is not None and response.status_code < 400:
            point, subject, reason = pending
            access.record_access(
                request, point.kind, subject, view_name=point.view_name, reason=reason
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        point = point_for(match.view_name) if match else None
        if point is None or request.method not in ("GET", "HEAD"):
            return None
        actor = getattr(request, "actor", None)
        if actor is None or actor.user is None or actor.membership is None:
            return None  # a citizen on their own pages, or not logged in: the view decides
        subject = point.subject(view_kwargs)
        if subject is None:
            return None  # not found in the viewer's scope: the view answers 404
        reason = ""
        if point.file_check:
            reasons = request.session.get(REASONS_SESSION_KEY, {})
            reason = reasons.pop(str(subject.person_id), "")
            if reason:
                request.session[REASONS_SESSION_KEY] = reasons
            else:
                reason = access.reason_given_today(actor, subject.person_id)
            if not reason and not access.in_worklist(actor, subject.person_id):
                query = urlencode({"persona": subject.person_id, "next": request.get_full_path()})
                return redirect(f"{reverse('identity:access_reason')}?{query}")
        request._access_pending = (point, subject, reason)
        return None
