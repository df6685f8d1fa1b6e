"""Template helpers for forms and display."""

from django import template
from django.forms import ModelChoiceField

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
def can(actor, permission: str) -> bool:
    """`{% if actor|can:"funds.view" %}`: whether the active role holds `permission`, so that
    a page does not link another page the role may not open."""
    return actor is not None and actor.has_perm(permission)


@register.filter
def widget_type(field) -> str:
    return field.field.widget.__class__.__name__.lower()


@register.filter
def option_groups(field) -> list[tuple]:
    """The options of a choice field as (group label or None, [options]): grouped choices
    (`[("Anziani", [(1, "Solitudine"), ...]), ...]`) keep their groups, so a long list of
    checkboxes can be shown under headings. Django's iteration of the field is flat, in the
    choices' order."""
    options = list(field)
    if isinstance(field.field, ModelChoiceField):  # never grouped: no second query for them
        return [(None, options)] if options else []
    groups, index = [], 0
    for value, label in field.field.choices:
        if isinstance(label, (list, tuple)):
            groups.append((value, options[index : index + len(label)]))
            index += len(label)
            continue
        if groups and groups[-1][0] is None:
            groups[-1][1].append(options[index])
        else:
            groups.append((None, [options[index]]))
        index += 1
    return groups


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
    from django.utils import formats, timezone

    if not value:
        return ""
    if with_time and hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "j F Y, H:i" if with_time else "j F Y")  # core/dates.py


@register.filter
def with_article(value, article_and_format: str) -> str:
    """`{{ day|with_article:"dal j F" }}`: the article and the date, elided in Italian
    ("dall'8 dicembre"): core.dates.with_article. The format defaults to "j F Y"."""
    from benecomune.core.dates import with_article as write

    article, _space, fmt = article_and_format.partition(" ")
    return write(value, article, fmt or "j F Y")


@register.filter
def labelled(row, headers) -> list[tuple]:
    """`{% for cell, header in row|labelled:headers %}`: each cell with its column's name, for
    the data-label of a bc-stack table (on a phone each cell is shown under its name)."""
    return list(zip(row, headers, strict=False))
