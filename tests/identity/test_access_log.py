"""The access log: one entry for every staff view of a person's data, the reason asked outside
the worklist, append-only rows."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError
from django.urls import reverse

from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from benecomune.identity.models import AccessLogEntry, AccessLogImmutableError
from tests.helpers import login

pytestmark = pytest.mark.django_db


def _urls(application, family):
    head = family["head"]
    document = application.documents.first()
    household = family["household"]
    return {
        "core:person_detail": reverse("core:person_detail", args=[head.pk]),
        "core:person_iban": reverse("core:person_iban", args=[head.pk]),
        "core:person_contacts": reverse("core:person_contacts", args=[head.pk]),
        "core:household_add_member": reverse("core:household_add_member", args=[household.pk]),
        "core:file": reverse("core:file", args=["application-document", document.pk]),
        "calls:desk_person": reverse("calls:desk_person", args=[head.pk]),
        "calls:desk_application": reverse("calls:desk_application", args=[application.pk]),
        "calls:review_detail": reverse("calls:review_detail", args=[application.pk]),
        "calls:review_document": reverse(
            "calls:review_document", args=[application.pk, document.pk]
        ),
        "vouchers:desk_person": reverse("vouchers:desk_person", args=[head.pk]),
        "payouts:desk_claims": reverse("payouts:desk_claims", args=[head.pk]),
        "marketplace:desk_threads": reverse("marketplace:desk_threads", args=[head.pk]),
        "marketplace:desk_reviews": reverse("marketplace:desk_reviews", args=[head.pk]),
    }


PROTECTED_VIEWS = [
    ("core:person_detail", "person"),
    ("core:person_iban", "payment_data"),
    ("core:person_contacts", "person"),
    ("core:household_add_member", "household"),
    ("core:file", "document"),
    ("calls:desk_person", "person"),
    ("calls:desk_application", "application"),
    ("calls:review_detail", "application"),
    ("calls:review_document", "document"),
    ("vouchers:desk_person", "person"),
    ("payouts:desk_claims", "person"),
    ("marketplace:desk_threads", "person"),
    ("marketplace:desk_reviews", "person"),
]


@pytest.mark.parametrize("view_name,kind", PROTECTED_VIEWS)
def test_every_protected_view_writes_one_entry(desk, application, family, view_name, kind):
    client, user, membership = desk
    url = _urls(application, family)[view_name]
    response = client.get(url)
    assert response.status_code == 200, view_name
    entry = AccessLogEntry.objects_unscoped.get()
    assert entry.user == user
    assert entry.role == Role.DESK_OPERATOR
    assert entry.actor_organization_id == membership.organization_id
    assert entry.organization_id == application.organization_id
    assert entry.person_id == family["head"].pk
    assert entry.kind == kind
    assert entry.view_name == view_name
    assert entry.reason == ""  # an open application: the person is in the worklist
    assert entry.ip_address == "127.0.0.1"


def test_citizen_on_own_pages_is_not_logged(client, make_user, application, family):
    user = make_user("giulia.privacy@example.org", person=family["head"])
    login(client, user)
    assert client.get(reverse("calls:my_applications")).status_code == 200
    assert not AccessLogEntry.objects_unscoped.exists()


def test_another_comunes_staff_get_404_and_nothing_is_logged(
    staff_client, other_municipality, application, family
):
    client, _user, _membership = staff_client(Role.DESK_OPERATOR, other_municipality)
    for view_name in ("core:person_detail", "calls:review_detail", "core:file"):
        url = _urls(application, family)[view_name]
        assert client.get(url).status_code == 404, view_name
    assert not AccessLogEntry.objects_unscoped.exists()


def test_a_post_is_not_logged_as_a_view(desk, family):
    client, _user, _membership = desk
    client.post(reverse("core:person_iban", args=[family["head"].pk]), {"iban": "x"})
    assert not AccessLogEntry.objects_unscoped.exists()


# --- The reason outside the worklist -----------------------------------------------------


def test_file_outside_worklist_asks_a_reason_once_a_day(desk, make_person, municipality):
    client, _user, _membership = desk
    with all_tenants():
        stranger = make_person(municipality, first_name="Ugo", last_name="Neri")
    url = reverse("core:person_detail", args=[stranger.pk])

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:access_reason"))
    assert not AccessLogEntry.objects_unscoped.exists()

    reason_url = reverse("identity:access_reason")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Ugo" not in page.content.decode()  # no data before the reason

    bad = client.post(reason_url, {"persona": stranger.pk, "next": url, "reason": " ab "})
    assert bad.status_code == 400
    assert "almeno 5 caratteri" in bad.content.decode()
    assert not AccessLogEntry.objects_unscoped.exists()

    good = client.post(
        reason_url, {"persona": stranger.pk, "next": url, "reason": "Cittadino allo sportello"}
    )
    assert good.status_code == 302 and good["Location"] == url
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects_unscoped.get()
    assert entry.reason == "Cittadino allo sportello"

    # The same day, the same person: no question, the reason carried on the new entry.
    assert client.get(url).status_code == 200
    assert AccessLogEntry.objects_unscoped.count() == 2
    assert set(AccessLogEntry.objects_unscoped.values_list("reason", flat=True)) == {
        "Cittadino allo sportello"
    }


def test_desk_pages_serve_the_citizen_there_without_a_reason(desk, make_person, municipality):
    client, _user, _membership = desk
    with all_tenants():
        walk_in = make_person(municipality, first_name="Eva", last_name="Riva")
    assert client.get(reverse("calls:desk_person", args=[walk_in.pk])).status_code == 200
    assert AccessLogEntry.objects_unscoped.get().reason == ""


def test_no_reason_after_working_on_the_person_today(desk, make_person, municipality):
    from benecomune.core.services.households import create_household
    from tests.helpers import actor_for

    client, user, membership = desk
    with all_tenants():
        newcomer = make_person(municipality, first_name="Ada", last_name="Sala")
        create_household(
            actor_for(user, membership.role, municipality), head=newcomer, address="Via Po 1"
        )
    assert client.get(reverse("core:person_detail", args=[newcomer.pk])).status_code == 200


def test_reason_form_refuses_foreign_person_and_unsafe_next(
    staff_client, other_municipality, desk, family
):
    client, _user, _membership = desk
    reason_url = reverse("identity:access_reason")
    response = client.post(
        reason_url,
        {"persona": family["head"].pk, "next": "https://evil.example/", "reason": "Verifica"},
    )
    assert response.status_code == 302 and response["Location"] == "/gestione/anagrafe/"
    other, _u, _m = staff_client(Role.DESK_OPERATOR, other_municipality)
    assert other.get(reason_url, {"persona": family["head"].pk}).status_code == 404
    assert other.get(reason_url, {"persona": "x"}).status_code == 404


def test_reason_form_is_for_staff_only(client, make_user, family):
    login(client, make_user("citizen.reason@example.org", person=family["head"]))
    assert client.get(reverse("identity:access_reason"), {"persona": 1}).status_code == 403


# --- Append-only ---------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted(desk, application, family):
    client, _user, _membership = desk
    client.get(reverse("calls:review_detail", args=[application.pk]))
    entry = AccessLogEntry.objects_unscoped.get()
    entry.reason = "riscritto"
    with pytest.raises(AccessLogImmutableError):
        entry.save()
    with pytest.raises(AccessLogImmutableError):
        entry.delete()
    statements = (
        "UPDATE identity_accesslogentry SET reason = 'x'",
        "DELETE FROM identity_accesslogentry",
    )
    for sql in statements:
        with (
            pytest.raises((DatabaseError, IntegrityError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            if connection.vendor == "sqlite":
                # The test database runs with maintenance on (for flushes): off here.
                cursor.execute("DELETE FROM core_audit_maintenance")
            cursor.execute(sql)
    assert AccessLogEntry.objects_unscoped.get().reason == ""
