import pytest
from django_scopes.exceptions import ScopeError

from benecomune.core.models import AuditEvent, Household, Person, Role
from benecomune.core.scoping import tenant_scope


def test_query_without_scope_raises(municipality, make_person):
    make_person(municipality)
    with pytest.raises(ScopeError):
        list(Person.objects.all())
    with pytest.raises(ScopeError):
        Person.objects.filter(last_name="Rossi").count()
    with pytest.raises(ScopeError):
        list(AuditEvent.objects.all())
    with pytest.raises(ScopeError):
        list(Household.objects.all())


def test_scope_returns_only_the_tenants_rows(municipality, other_municipality, make_person):
    mine = make_person(municipality)
    theirs = make_person(other_municipality, last_name="Bianchi")
    with tenant_scope([municipality]):
        assert list(Person.objects.all()) == [mine]
    with tenant_scope([other_municipality]):
        assert list(Person.objects.all()) == [theirs]
    with tenant_scope([municipality, other_municipality]):
        assert Person.objects.count() == 2


def test_network_scope_covers_its_municipalities(
    network, municipality, other_municipality, make_person
):
    make_person(municipality)
    make_person(other_municipality, last_name="Bianchi")
    with tenant_scope(network.tenant_ids()):
        assert Person.objects.count() == 2


def test_staff_of_comune_a_gets_404_on_comune_b_objects(
    staff_client, municipality, other_municipality, make_person
):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    mine = make_person(municipality)
    theirs = make_person(other_municipality, last_name="Bianchi")
    # A registry file outside the worklist asks a reason first (identity's access log).
    client.post("/gestione/privacy/motivo/", {"persona": mine.pk, "reason": "Verifica d'ufficio"})
    assert client.get(f"/gestione/anagrafe/persone/{mine.pk}/").status_code == 200
    assert client.get(f"/gestione/anagrafe/persone/{theirs.pk}/").status_code == 404
    assert client.get(f"/gestione/privacy/motivo/?persona={theirs.pk}").status_code == 404
    assert client.get(f"/gestione/anagrafe/persone/{theirs.pk}/iban/").status_code == 404
    listing = client.get("/gestione/anagrafe/").content.decode()
    assert mine.fiscal_code in listing
    assert theirs.fiscal_code not in listing


def test_audit_page_shows_only_own_tenant(
    staff_client, municipality, other_municipality, make_person, system_actor
):
    from django.db import transaction

    from benecomune.core import audit

    with transaction.atomic():
        audit.record(system_actor, "test.mine", organization=municipality, reason="visibile")
        audit.record(system_actor, "test.theirs", organization=other_municipality, reason="segreto")
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    page = client.get("/gestione/audit/").content.decode()
    assert "test.mine" in page
    assert "test.theirs" not in page


def test_reserved_slug_refused(network):
    from django.core.exceptions import ValidationError

    from benecomune.core.models import Municipality

    municipality = Municipality(
        name="Gestione", slug="gestione", istat_code="999999", network=network
    )
    with pytest.raises(ValidationError):
        municipality.full_clean()
