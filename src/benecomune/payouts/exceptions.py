from django.core.exceptions import ValidationError


class PayoutError(ValidationError):
    """A claim, debit note, order or batch operation refused for a reason the user can fix
    (Italian), like `CallError` and `VoucherError` in their apps."""
