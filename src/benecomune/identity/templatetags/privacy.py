from django import template

from benecomune.identity.access_log import kind_label

register = template.Library()


@register.filter
def access_kind(kind: str) -> str:
    return kind_label(kind)
