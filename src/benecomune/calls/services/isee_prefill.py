"""The ISEE attestation INPS returns for an applicant, offered to pre-fill the desk's form so
that the operator confirms it with the citizen instead of typing it again. Read only: nothing
is saved until the draft is saved, and the checks at submission compare with INPS anyway."""

from django.utils import timezone

from benecomune.calls.adapters import IseeAnswer, isee_adapter
from benecomune.calls.models import Application


def inps_isee_for(application: Application) -> IseeAnswer | None:
    """INPS's attestation for the applicant, when the application has no ISEE yet."""
    if application.isee_value is not None:
        return None
    answer = isee_adapter().lookup(application.applicant.fiscal_code, timezone.localdate())
    return answer if answer.found else None
