"""Filters shared by the audit page and its export."""

from datetime import date

from django.db.models import Q


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filter_audit_events(queryset, params: dict):
    person = (params.get("person") or "").strip()
    if person:
        queryset = queryset.filter(
            Q(person__fiscal_code__iexact=person) | Q(person__last_name__icontains=person)
        )
    actor = (params.get("actor") or "").strip()
    if actor:
        queryset = queryset.filter(
            Q(actor__email__icontains=actor) | Q(actor__full_name__icontains=actor)
        )
    obj = (params.get("object") or "").strip()
    if obj:
        queryset = queryset.filter(
            Q(object_repr__icontains=obj) | Q(object_id=obj) | Q(action__icontains=obj)
        )
    if since := _parse_date(params.get("since")):
        queryset = queryset.filter(created_at__date__gte=since)
    if until := _parse_date(params.get("until")):
        queryset = queryset.filter(created_at__date__lte=until)
    return queryset
