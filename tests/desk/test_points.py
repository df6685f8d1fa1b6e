"""Points and their operators: the owner organisation's admin creates and edits them on
pages; the kind must fit the owner; operators are the organisation's staff with a desk
role; the public directory lists active public Points with address and hours."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from benecomune.core.models import AuditEvent, Membership, Role
from benecomune.desk.models import PointOperator, WelfarePoint
from benecomune.desk.services import points
from tests.desk.conftest import make_point


def test_the_kind_must_fit_the_owner(system_actor, company, municipality):
    with pytest.raises(ValidationError) as excinfo:
        make_point(system_actor, company, municipality, "Sbagliato", "municipal")
    assert "non può appartenere" in str(excinfo.value)
    assert not WelfarePoint.objects_unscoped.exists()


def test_only_the_owners_admin_manages_points(make_actor, municipality, other_municipality):
    admin = make_actor("admin@limena.example.org", Role.MUNICIPALITY_ADMIN, other_municipality)
    with pytest.raises(PermissionDenied):
        make_point(admin, municipality, municipality, "Punto", "municipal")
    assert AuditEvent.objects_unscoped.filter(action="desk.point_refused").exists()


def test_operators_are_the_organisations_desk_staff(
    system_actor, point, make_user, municipality, other_municipality
):
    wm = make_user("wm@example.org", role=Role.WELFARE_MANAGER, organization=municipality)
    membership = Membership.objects.get(user=wm)
    operator = points.add_operator(system_actor, point, membership)
    assert operator.is_active
    clerk = make_user("sportello@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    with pytest.raises(ValidationError):
        points.add_operator(system_actor, point, Membership.objects.get(user=clerk))
    elsewhere = make_user(
        "wm@limena.example.org", role=Role.WELFARE_MANAGER, organization=other_municipality
    )
    with pytest.raises(ValidationError):
        points.add_operator(system_actor, point, Membership.objects.get(user=elsewhere))
    points.remove_operator(system_actor, operator)
    assert not PointOperator.objects_unscoped.get(pk=operator.pk).is_active


def test_admin_pages_create_a_point_and_add_an_operator(staff_client, municipality, make_user):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    assert client.get(reverse("desk:point_new")).status_code == 200
    response = client.post(
        reverse("desk:point_new"),
        {
            "kind": "municipal",
            "name": "Punto Welfare in biblioteca",
            "address": "Piazza Camerini 1",
            "municipality": municipality.pk,
            "opening_hours": "Sabato 9-12",
            "languages": "italiano, francese",
            "is_public": "on",
            "is_active": "on",
        },
    )
    point = WelfarePoint.objects_unscoped.get(name="Punto Welfare in biblioteca")
    assert response.status_code == 302
    wm = make_user("nuova@example.org", role=Role.WELFARE_MANAGER, organization=municipality)
    membership = Membership.objects.get(user=wm)
    page = client.get(reverse("desk:point", args=[point.pk]))
    assert wm.full_name in page.content.decode()
    client.post(
        reverse("desk:point", args=[point.pk]), {"form": "operator", "membership": membership.pk}
    )
    assert PointOperator.objects_unscoped.filter(point=point, membership=membership).exists()
    directory = client.get(reverse("desk:directory")).content.decode()
    assert "Punto Welfare in biblioteca" in directory and "Sabato 9-12" in directory


def test_another_organisations_point_is_not_found(staff_client, other_municipality, point):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, other_municipality)
    assert client.get(reverse("desk:point", args=[point.pk])).status_code == 404


def test_directory_hides_private_and_closed_points(client, system_actor, point, company_point):
    points.update_point(system_actor, company_point, is_public=False)
    page = client.get(reverse("desk:directory")).content.decode()
    assert point.name in page and "Via Roma 1" in page and "Lunedì 9-12" in page
    assert company_point.name not in page
