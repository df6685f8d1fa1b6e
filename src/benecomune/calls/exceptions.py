from django.core.exceptions import ValidationError


class CallError(ValidationError):
    """A call or application operation refused for a reason the user can fix (Italian)."""
