import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from benecomune.core.admin import AuditEventAdmin
from benecomune.core.models import AuditEvent, AuditImmutableError, Role
from benecomune.core.scoping import all_tenants, tenant_scope
from benecomune.core.services import memberships, people, tokens
from tests.helpers import actor_for


@pytest.fixture
def admin_actor(make_user, municipality):
    user = make_user("admin@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    return actor_for(user, Role.MUNICIPALITY_ADMIN, municipality)


def events(action):
    with all_tenants():
        return list(AuditEvent.objects.filter(action=action))


def test_each_change_writes_an_audit_event(admin_actor, municipality, make_person, make_user):
    person = people.register_person(
        admin_actor,
        fiscal_code="RSSMRA80B01G587R",
        first_name="Mario",
        last_name="Rossi",
        residence=municipality,
    )
    [registered] = events("person.registered")
    assert registered.actor == admin_actor.user
    assert registered.actor_role == Role.MUNICIPALITY_ADMIN
    assert registered.person == person
    assert registered.organization_id == municipality.pk
    assert registered.after["fiscal_code"] == "RSSMRA80B01G587R"

    household = people.create_household(admin_actor, head=person, address="Via Roma 1")
    spouse = make_person(municipality, first_name="Anna", sex="F")
    people.add_household_member(admin_actor, household, spouse, "spouse")
    assert len(events("household.created")) == 1
    assert len(events("household.member_added")) == 1

    people.set_payment_account(
        admin_actor,
        person,
        iban="IT60X0542811101000000123456",
        holder="Anna Rossi",
        reason="conto cointestato",
    )
    [iban_event] = events("person.iban_changed")
    assert iban_event.before == {"iban": "", "iban_holder": ""}
    assert iban_event.after["iban"] == "IT60X0542811101000000123456"
    assert iban_event.reason == "conto cointestato"

    user = make_user("new@example.org")
    membership = memberships.grant_role(admin_actor, user, municipality, Role.DESK_OPERATOR)
    memberships.revoke_role(admin_actor, membership, reason="trasferito")
    assert len(events("membership.granted")) == 1
    assert events("membership.revoked")[0].reason == "trasferito"

    token, _clear = tokens.create_api_token(admin_actor, municipality, "Integrazione")
    tokens.revoke_api_token(admin_actor, token)
    assert len(events("api_token.created")) == 1
    assert len(events("api_token.revoked")) == 1


def test_iban_holder_must_be_household_member(admin_actor, municipality, make_person):
    from django.core.exceptions import ValidationError

    person = make_person(municipality)
    with pytest.raises(ValidationError) as exc:
        people.set_payment_account(
            admin_actor, person, iban="IT60X0542811101000000123456", holder="Qualcun Altro"
        )
    assert "intestatario" in str(exc.value)
    assert events("person.iban_changed") == []  # nothing half-written
    person.refresh_from_db()
    assert person.iban == ""


def test_audit_needs_the_changes_transaction(system_actor):
    from benecomune.core import audit

    with pytest.raises(RuntimeError):
        audit.record(system_actor, "outside.transaction")


def test_audit_events_cannot_be_edited_or_deleted_by_the_app(system_actor, municipality):
    from benecomune.core import audit

    with transaction.atomic():
        event = audit.record(system_actor, "test.event", organization=municipality)
    event.reason = "riscritto"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()


def test_database_refuses_update_and_delete_of_audit_rows(system_actor, municipality):
    from benecomune.core import audit

    with transaction.atomic():
        event = audit.record(system_actor, "test.event", organization=municipality)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The test database runs with maintenance on (for flushes): switch it off here.
            cursor.execute("DELETE FROM core_audit_maintenance")
        for statement in (
            "UPDATE core_auditevent SET reason = 'x' WHERE id = %s",
            "DELETE FROM core_auditevent WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError) as exc,
                transaction.atomic(),
            ):
                cursor.execute(statement, [event.pk])
            assert "append-only" in str(exc.value)
        transaction.set_rollback(True)
    with all_tenants():
        assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_admin_site_cannot_change_audit(make_user):
    request = RequestFactory().get("/admin/")
    request.user = make_user("root@example.org")
    request.user.is_superuser = True
    model_admin = AuditEventAdmin(AuditEvent, site)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_audit_page_filters(staff_client, municipality, make_person, system_actor):
    from benecomune.core import audit

    rossi = make_person(municipality, last_name="Rossi")
    bianchi = make_person(municipality, last_name="Bianchi", first_name="Luca")
    with transaction.atomic():
        audit.record(system_actor, "test.rossi", organization=municipality, person=rossi)
        audit.record(system_actor, "test.bianchi", organization=municipality, person=bianchi)
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    page = client.get("/gestione/audit/", {"person": rossi.fiscal_code}).content.decode()
    assert "test.rossi" in page and "test.bianchi" not in page
    page = client.get("/gestione/audit/", {"person": "bianchi"}).content.decode()
    assert "test.bianchi" in page and "test.rossi" not in page
    page = client.get("/gestione/audit/", {"since": "2999-01-01"}).content.decode()
    assert "test.rossi" not in page
    page = client.get("/gestione/audit/", {"actor": "seed"}).content.decode()
    assert "test.rossi" not in page
    bad = client.get("/gestione/audit/", {"since": "2026-05-01", "until": "2026-01-01"})
    assert "successiva" in bad.content.decode()


def test_audit_export_runs_as_background_job(
    staff_client, municipality, system_actor, django_capture_on_commit_callbacks
):
    from benecomune.core import audit
    from benecomune.core.models import Job

    with transaction.atomic():
        audit.record(system_actor, "test.export", organization=municipality, reason="ok")
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/gestione/audit/esporta/", {"object": "test.export"})
    assert response.status_code == 302
    with tenant_scope([municipality]):
        job = Job.objects.get()
    assert job.status == "done"
    content = job.result_file.read().decode("utf-8-sig")
    assert "test.export" in content
    assert job.result == {"rows": 1}
    progress = client.get(response["Location"]).content.decode()
    assert "Completato" in progress and "Scarica il file" in progress


@pytest.mark.django_db
def test_batched_events_are_written_together_at_the_end(municipality):
    from benecomune.core import audit
    from benecomune.core.actors import Actor

    actor = Actor.system_actor("tests")
    with transaction.atomic():
        with audit.batched():
            audit.record(actor, "tests.first", municipality, organization=municipality)
            with audit.batched():  # nested: written with the outer block
                audit.record(actor, "tests.second", municipality, organization=municipality)
            assert events("tests.first") == [] and events("tests.second") == []
        first, second = events("tests.first")[0], events("tests.second")[0]
        assert first.pk < second.pk and first.object_id == str(municipality.pk)


@pytest.mark.django_db
def test_batched_events_are_dropped_on_an_error(municipality):
    from benecomune.core import audit
    from benecomune.core.actors import Actor

    actor = Actor.system_actor("tests")
    with pytest.raises(ValueError), transaction.atomic(), audit.batched():
        audit.record(actor, "tests.dropped", municipality, organization=municipality)
        raise ValueError
    assert events("tests.dropped") == []
    with transaction.atomic():
        audit.record(actor, "tests.alone", municipality, organization=municipality)
    assert len(events("tests.alone")) == 1
