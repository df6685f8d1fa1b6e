"""The desk page speaks to the desk operator, and says a failed check in words (issue 13)."""

import pytest
from django.urls import reverse

from benecomune.calls.services import applications as services
from benecomune.core.models import Role
from tests.calls.applications_factory import citizen, ready_draft

pytestmark = pytest.mark.django_db


def _mismatched_application(make_call, family, make_user):
    _user, head = citizen(make_user, family["head"])
    application = ready_draft(head, make_call(), family["head"], family["isee"])
    services.save_draft(head, application, isee_value=2_000_000)  # INPS says 8,500 €
    return services.submit_application(head, application)


def test_desk_sees_the_inps_mismatch_in_words_and_its_own_next_step(
    make_call, family, make_user, staff_client, municipality
):
    application = _mismatched_application(make_call, family, make_user)
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    url = reverse("calls:desk_application", kwargs={"pk": application.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="check-isee"' in page
    assert "Non corrisponde" in page
    assert "Non deve fare nulla" not in page
    assert "ora la esamina l&#x27;ufficio del Comune" in page


def test_the_citizen_is_still_told_there_is_nothing_to_do(make_call, family, make_user, client):
    from tests.helpers import login

    application = _mismatched_application(make_call, family, make_user)
    login(client, application.applicant.user)
    url = reverse("calls:my_application", kwargs={"pk": application.pk})
    page = client.get(url).content.decode()
    assert "Non deve fare nulla" in page
    assert "Non corrisponde" not in page  # the checks are for the staff
