import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.models import Membership, Role
from benecomune.core.services import memberships, people
from tests.helpers import actor_for


@pytest.mark.parametrize(
    ("role", "path", "expected"),
    [
        (Role.DESK_OPERATOR, "/gestione/anagrafe/", 200),
        (Role.DESK_OPERATOR, "/gestione/audit/", 403),
        (Role.VALIDATOR, "/gestione/anagrafe/", 200),
        (Role.VALIDATOR, "/gestione/anagrafe/nuova-persona/", 403),
        (Role.MUNICIPALITY_ADMIN, "/gestione/audit/", 200),
        (Role.MUNICIPALITY_ADMIN, "/gestione/token/", 200),
        (Role.DESK_OPERATOR, "/gestione/token/", 403),
    ],
)
def test_pages_follow_role_permissions(staff_client, municipality, role, path, expected):
    client, _user, _m = staff_client(role, municipality)
    assert client.get(path).status_code == expected


def test_merchant_cannot_reach_registry(staff_client, shop):
    client, _user, _m = staff_client(Role.MERCHANT_STAFF, shop)
    assert client.get("/gestione/anagrafe/").status_code == 403
    assert client.get("/gestione/audit/").status_code == 403


def test_citizen_cannot_reach_staff_pages(client, make_user, make_person, municipality):
    from tests.helpers import login

    user = make_user("citizen@example.org", person=make_person(municipality))
    login(client, user)
    assert client.get("/gestione/anagrafe/").status_code == 403


def test_services_check_permissions_not_only_templates(make_user, municipality, other_municipality):
    validator = make_user("v@example.org", role=Role.VALIDATOR, organization=municipality)
    actor = actor_for(validator, Role.VALIDATOR, municipality)
    with pytest.raises(PermissionDenied):
        people.register_person(
            actor,
            fiscal_code="RSSMRA80B01G587R",
            first_name="Mario",
            last_name="Rossi",
            residence=municipality,
        )
    admin = make_user("a@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    admin_actor = actor_for(admin, Role.MUNICIPALITY_ADMIN, municipality)
    # An admin of Piazzola cannot register residents of Limena.
    with pytest.raises(PermissionDenied):
        people.register_person(
            admin_actor,
            fiscal_code="RSSMRA80B01G587R",
            first_name="Mario",
            last_name="Rossi",
            residence=other_municipality,
        )
    person = people.register_person(
        admin_actor,
        fiscal_code="RSSMRA80B01G587R",
        first_name="Mario",
        last_name="Rossi",
        residence=municipality,
    )
    assert person.pk


def test_role_must_fit_organization_kind(make_user, municipality, shop, system_actor):
    user = make_user("x@example.org")
    with pytest.raises(ValidationError):
        memberships.grant_role(system_actor, user, shop, Role.VALIDATOR)
    membership = memberships.grant_role(system_actor, user, municipality, Role.VALIDATOR)
    assert membership.is_active
    # A merchant cannot hand out roles in a Comune.
    merchant = make_user("m@example.org", role=Role.MERCHANT_STAFF, organization=shop)
    with pytest.raises(PermissionDenied):
        memberships.grant_role(
            actor_for(merchant, Role.MERCHANT_STAFF, shop), user, municipality, Role.DESK_OPERATOR
        )


def test_revoked_membership_loses_access(staff_client, municipality, system_actor):
    client, _user, membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    assert client.get("/gestione/audit/").status_code == 200
    memberships.revoke_role(system_actor, membership, reason="fine incarico")
    assert not Membership.objects.get(pk=membership.pk).is_active
    response = client.get("/gestione/audit/")
    assert response.status_code == 403
