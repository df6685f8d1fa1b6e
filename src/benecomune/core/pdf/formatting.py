"""Money and dates as the PDFs print them."""

from django.utils import timezone

from benecomune.ledger.money import format_euro


def euro(cents: int) -> str:
    return format_euro(cents)


def amount(cents: int) -> str:
    """Euro without the symbol, for wide tables whose caption says the unit."""
    return format_euro(cents).replace("€ ", "")


def euro_nbsp(cents: int) -> str:
    """Euro with a non-breaking space, so that the symbol never ends a line alone."""
    return format_euro(cents).replace(" ", "\u00a0")


def when(value, with_time: bool = True) -> str:
    """dd/mm/yyyy [hh:mm] in local time, "—" for nothing."""
    if value is None:
        return "—"
    if with_time:
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")
