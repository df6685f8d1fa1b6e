from django import template

from benecomune.ledger.money import format_euro

register = template.Library()


@register.filter
def euro(cents):
    """{{ cents|euro }} -> "€ 1.234,56"."""
    return format_euro(cents)


@register.filter
def euro_signed(cents):
    """{{ cents|euro_signed }} -> "+€ 12,50" / "-€ 12,50", for movements."""
    return format_euro(cents, sign=True)
