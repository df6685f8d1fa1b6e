"""Status badges for debit notes, payout orders, batches, claims."""

from django import template
from django.utils.html import format_html

register = template.Library()

COLOURS = {
    "draft": "secondary",
    "issued": "warning",
    "approved": "primary",
    "in_batch": "info",
    "paid": "success",
    "rejected": "danger",
    "on_hold": "warning",
    "ready": "primary",
    "queued": "info",
    "withdrawn": "secondary",
    "preparing": "secondary",
    "closed": "success",
    "submitted": "warning",
    "clarification": "warning",
    "accepted": "primary",
    "partially_accepted": "primary",
}


@register.simple_tag
def status_badge(value, label):
    colour = COLOURS.get(str(value), "secondary")
    # Bootstrap Italia's warning and info backgrounds are dark: white text (the badge's own)
    # reads on them, dark text does not (axe: contrast 2.3:1 once the badge is small text).
    return format_html('<span class="badge bg-{}">{}</span>', colour, label)
