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
