"""Template helpers for forms and display."""

from django import template

register = template.Library()


@register.filter
def with_class(field, css: str):
    """Render a bound field's widget with extra CSS classes and the invalid state."""
    attrs = {"class": css}
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}-error"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}-help"
    return field.as_widget(attrs=attrs)


@register.filter
def widget_type(field) -> str:
    return field.field.widget.__class__.__name__.lower()


@register.filter
def action_label(action: str) -> str:
    from benecomune.core.audit import action_label as label

    return label(action)


@register.filter
def role_label(role: str) -> str:
    from benecomune.core.audit_display import role_label as label

    return label(role)


@register.filter
def audit_actor(event) -> str:
    """{{ event|audit_actor }}: the person's name, or "Procedura automatica"."""
    from benecomune.core.audit_display import actor_label

    return actor_label(event)


@register.filter
def audit_object(event) -> str:
    """{{ event|audit_object }}: the event's object in Italian, amounts in euro."""
    from benecomune.core.audit_display import object_label

    return object_label(event)


@register.filter
def audit_values(event, which: str) -> str:
    """{{ event|audit_values:"after" }}: its before/after values in Italian."""
    from benecomune.core.audit_display import values_label

    return values_label(event, getattr(event, which) if which in ("before", "after") else None)


@register.filter
def long_date(value, with_time: bool = False) -> str:
    """'18 aprile 2018' in Italian (months are lower case there), '18 April 2018' in English."""
    from django.utils import formats, timezone, translation

    if not value:
        return ""
    if with_time and hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    text = formats.date_format(value, "j F Y, H:i" if with_time else "j F Y")
    return text.lower() if translation.get_language() == "it" else text
