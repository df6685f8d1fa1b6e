from django import template

from benecomune.identity.access_log import kind_label

register = template.Library()


@register.filter
def access_kind(kind: str) -> str:
    return kind_label(kind)


@register.filter
def retention_category(category: str) -> str:
    from benecomune.identity.models import RetentionCategory

    try:
        return RetentionCategory(category).label
    except ValueError:
        return category
