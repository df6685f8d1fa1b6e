"""Application services: start (dedup, residence, call window), assisted start with consent,
draft validation, withdrawal. Services run without a tenant scope: they filter explicitly."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import Application, ApplicationMember, ApplicationStatus
from benecomune.calls.services import applications as services
from benecomune.calls.services import drafts
from benecomune.calls.services.definition import close_call
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent, Notification
from benecomune.core.scoping import all_tenants
from tests.calls.applications_factory import citizen, ready_draft

pytestmark = pytest.mark.django_db


def counts():
    return (
        Application.objects_unscoped.count(),
        ApplicationMember.objects.count(),
        AuditEvent.objects_unscoped.filter(action__startswith="calls.application").count(),
    )


def test_citizen_starts_a_draft_with_the_registry_household(make_call, family, make_user):
    call = make_call()
    _user, actor = citizen(make_user, family["head"])
    application = services.start_application(actor, call, family["head"])
    assert application.status == ApplicationStatus.DRAFT
    assert application.organization_id == family["head"].residence_id
    assert application.household_id == family["household"].pk
    assert application.contact_email == "giulia@example.org"
    members = {m.fiscal_code: m for m in application.members.all()}
    assert set(members) == {family[k].fiscal_code for k in ("head", "spouse", "child")}
    assert members[family["child"].fiscal_code].relationship == "child"
    assert members[family["head"].fiscal_code].birth_date == family["head"].birth_date
    event = AuditEvent.objects_unscoped.get(action="calls.application_started")
    assert event.person_id == family["head"].pk and event.actor_role == "citizen"
    # Starting again returns the same draft.
    assert services.start_application(actor, call, family["head"]).pk == application.pk


def test_a_member_already_in_another_application_is_refused_by_name(make_call, family, make_user):
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    services.start_application(head, call, family["head"])
    _u, spouse = citizen(make_user, family["spouse"])
    before = counts()
    with pytest.raises(CallError) as info:
        services.start_application(spouse, call, family["spouse"])
    message = info.value.messages[0]
    assert "fa già parte di un'altra domanda per questo bando" in message
    assert "Bianchi" in message and "codice fiscale" in message
    assert counts() == before


def test_the_unique_index_catches_a_race_the_check_missed(
    make_call, family, make_user, monkeypatch
):
    """Should two starts race past the check, the partial unique index refuses the second one
    inside its savepoint: Italian message, nothing written."""
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    services.start_application(head, call, family["head"])
    real = services._first_duplicate
    calls = {"n": 0}

    def blind_first_time(*args):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(*args)

    monkeypatch.setattr(services, "_first_duplicate", blind_first_time)
    _u, spouse = citizen(make_user, family["spouse"])
    before = counts()
    with pytest.raises(CallError) as info:
        services.start_application(spouse, call, family["spouse"])
    assert "fa già parte di un'altra domanda" in info.value.messages[0]
    assert calls["n"] == 2
    assert counts() == before


def test_another_call_is_fine_and_withdrawal_frees_the_place(make_call, family, make_user):
    first, second = make_call(), make_call()
    _u, head = citizen(make_user, family["head"])
    _u, spouse = citizen(make_user, family["spouse"])
    application = services.start_application(head, first, family["head"])
    assert services.start_application(spouse, second, family["spouse"]).call_id == second.pk
    services.withdraw_application(head, application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert not application.members.filter(active=True).exists()
    again = services.start_application(spouse, first, family["spouse"])
    assert again.pk != application.pk and again.members.filter(active=True).count() == 3


def test_withdrawing_a_submitted_application_needs_a_reason(make_call, family, make_user):
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = ready_draft(head, call, family["head"], family["isee"])
    services.submit_application(head, application)
    with pytest.raises(ValidationError) as info:
        services.withdraw_application(head, application, "  ")
    assert "motivo" in info.value.messages[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    services.withdraw_application(head, application, "Ho trovato lavoro")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert Notification.objects.filter(subject__startswith="Domanda ritirata").exists()
    with pytest.raises(CallError):
        services.withdraw_application(head, application, "di nuovo")


def test_start_refused_when_the_call_is_closed_or_not_yet_open(
    make_call, family, make_user, admin_actor
):
    _u, head = citizen(make_user, family["head"])
    now = timezone.now()
    later = make_call(opens_at=now + datetime.timedelta(days=2))
    with pytest.raises(CallError) as info:
        services.start_application(head, later, family["head"])
    assert "non accetta domande" in info.value.messages[0]
    closed = make_call()
    with all_tenants():
        close_call(admin_actor, closed, reason="Fondi esauriti")
    with pytest.raises(CallError):
        services.start_application(head, closed, family["head"])
    assert Application.objects_unscoped.count() == 0


def test_start_refused_for_residents_of_other_comuni(
    make_call, make_person, other_municipality, make_user
):
    call = make_call()
    outsider = make_person(other_municipality, first_name="Ugo", last_name="Neri")
    _u, actor = citizen(make_user, outsider)
    with pytest.raises(CallError) as info:
        services.start_application(actor, call, outsider)
    assert "residenti dei Comuni aderenti" in info.value.messages[0]
    assert Application.objects_unscoped.count() == 0


def test_a_citizen_cannot_apply_for_someone_else(make_call, family, make_user):
    call = make_call()
    _u, spouse = citizen(make_user, family["spouse"])
    with pytest.raises(PermissionDenied):
        services.start_application(spouse, call, family["head"])
    _u, head = citizen(make_user, family["head"])
    application = services.start_application(head, call, family["head"])
    with pytest.raises(PermissionDenied):
        services.save_draft(spouse, application, contact_phone="049 123456")


# --- assisted at the desk ---------------------------------------------------------------------


def test_assisted_start_records_consent_and_the_audit_says_on_whose_behalf(
    make_call, family, operator_actor
):
    call = make_call()
    application = services.start_application(
        operator_actor, call, family["head"], assisted_consent="Di persona, carta d'identità vista"
    )
    assert application.assisted_by_id == operator_actor.user.pk
    assert application.consent_at is not None
    assert application.consent_note == "Di persona, carta d'identità vista"
    event = AuditEvent.objects_unscoped.get(action="calls.application_started")
    assert event.actor_id == operator_actor.user.pk
    assert event.actor_role == "desk_operator"
    assert event.person_id == family["head"].pk
    assert "per conto di Giulia Bianchi" in event.reason
    assert event.after["on_behalf_of"] == family["head"].fiscal_code
    # The citizen hears of it.
    assert Notification.objects.filter(
        person=family["head"], subject__startswith="Domanda avviata allo sportello"
    ).exists()
    # Later assisted steps say it too.
    drafts.save_draft(operator_actor, application, contact_phone="049 555 1234")
    saved = AuditEvent.objects_unscoped.get(action="calls.application_draft_saved")
    assert saved.after == {"contact_phone": "049 555 1234"}
    assert "per conto di Giulia Bianchi" in saved.reason


def test_assisted_start_needs_the_consent_note(make_call, family, operator_actor):
    call = make_call()
    with pytest.raises(ValidationError) as info:
        services.start_application(operator_actor, call, family["head"], assisted_consent=" ")
    assert "consent_note" in info.value.message_dict
    assert Application.objects_unscoped.count() == 0


def test_desk_of_another_comune_cannot_assist(make_call, family, make_user, other_municipality):
    from benecomune.core.models import Role
    from tests.helpers import actor_for

    user = make_user(
        "sportello.limena@example.org", role=Role.DESK_OPERATOR, organization=other_municipality
    )
    stranger = actor_for(user, Role.DESK_OPERATOR, other_municipality)
    with pytest.raises(PermissionDenied):
        services.start_application(stranger, make_call(), family["head"], assisted_consent="ok")


def test_validators_cannot_assist(make_call, family, validator_actor):
    with pytest.raises(PermissionDenied):
        services.start_application(
            validator_actor, make_call(), family["head"], assisted_consent="ok"
        )


def test_the_desk_needs_consent_to_touch_a_citizens_own_draft(
    make_call, family, make_user, operator_actor
):
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = services.start_application(head, call, family["head"])
    with pytest.raises(CallError) as info:
        drafts.save_draft(operator_actor, application, contact_phone="049 1")
    assert "consenso" in info.value.messages[0]
    # Starting an assisted application for the same call records consent on that draft.
    same = services.start_application(
        operator_actor, call, family["head"], assisted_consent="Delega scritta agli atti"
    )
    assert same.pk == application.pk and same.consent_note == "Delega scritta agli atti"
    drafts.save_draft(operator_actor, same, contact_phone="049 1234567")


def test_an_operator_cannot_assist_themselves(make_call, family, make_user, municipality):
    from benecomune.core.models import Role
    from tests.helpers import actor_for

    user = make_user(
        "self@example.org",
        person=family["head"],
        role=Role.DESK_OPERATOR,
        organization=municipality,
    )
    actor = actor_for(user, Role.DESK_OPERATOR, municipality)
    with pytest.raises(CallError) as info:
        services.start_application(actor, make_call(), family["head"], assisted_consent="io")
    assert "area personale" in info.value.messages[0]


# --- the draft ------------------------------------------------------------------------------


def test_draft_fields_are_validated_all_or_nothing(make_call, family, make_user):
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = services.start_application(head, call, family["head"])
    with pytest.raises(ValidationError) as info:
        drafts.save_draft(
            head,
            application,
            isee_value=850_000,
            isee_protocol="12345",
            isee_date=timezone.localdate() + datetime.timedelta(days=1),
            contact_email="non-una-mail",
        )
    errors = info.value.message_dict
    assert set(errors) == {"isee_protocol", "isee_date", "contact_email"}
    assert "protocollo DSU" in errors["isee_protocol"][0]
    assert "futuro" in errors["isee_date"][0]
    application.refresh_from_db()
    assert application.isee_value is None  # the valid field was not saved either
    with pytest.raises(ValidationError):
        drafts.save_draft(head, application, declarations={"unknown": True})
    with pytest.raises(ValidationError):
        drafts.save_draft(head, application, isee_value=-1)


def test_dsu_protocol_is_normalised_and_flags_are_saved(make_call, family, make_user):
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = services.start_application(head, call, family["head"])
    year = timezone.localdate().year
    child = application.members.get(fiscal_code=family["child"].fiscal_code)
    drafts.save_draft(
        head,
        application,
        isee_protocol=f"inps isee {year} 00000001a 00",
        declarations={"truthful": True},
        disability={child.pk: True},
    )
    application.refresh_from_db()
    assert application.isee_protocol == f"INPS-ISEE-{year}-00000001A-00"
    assert application.declarations == {"truthful": True, "no_other_aid": False}
    child.refresh_from_db()
    assert child.disability is True
    with pytest.raises(ValidationError):
        drafts.save_draft(head, application, disability={999_999: True})


def test_an_isee_of_last_year_is_saved_with_a_warning(make_call, family, make_user):
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = services.start_application(head, call, family["head"])
    last_year = timezone.localdate().replace(month=6, day=1) - datetime.timedelta(days=366)
    application = drafts.save_draft(head, application, isee_date=last_year, isee_value=0)
    assert application.isee_value == 0
    warnings = drafts.draft_warnings(application)
    assert any("31 dicembre" in w for w in warnings)


def test_a_submitted_application_cannot_be_edited(make_call, family, make_user):
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = ready_draft(head, call, family["head"], family["isee"])
    services.submit_application(head, application)
    with pytest.raises(CallError):
        drafts.save_draft(head, application, contact_phone="049 1234567")


def test_refresh_household_follows_the_registry(
    make_call, family, make_user, make_person, municipality, admin_actor
):
    from benecomune.core.services.people import add_household_member

    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = services.start_application(head, call, family["head"])
    with all_tenants():
        grandma = make_person(
            municipality, first_name="Rosa", last_name="Bianchi", birthdate="01/01/1940", sex="F"
        )
        add_household_member(admin_actor, family["household"], grandma, "parent")
    services.refresh_household(head, application)
    codes = set(application.members.filter(active=True).values_list("fiscal_code", flat=True))
    assert grandma.fiscal_code in codes and len(codes) == 4


def test_actor_system_may_start_for_anyone(make_call, family):
    application = services.start_application(
        Actor.system_actor("demo"), make_call(), family["head"]
    )
    assert application.assisted_by_id is None


def test_a_draft_of_a_closed_call_is_frozen(make_call, family, make_user, admin_actor):
    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = services.start_application(head, call, family["head"])
    with all_tenants():
        close_call(admin_actor, call, reason="Fondi esauriti")
    with pytest.raises(CallError) as info:
        drafts.save_draft(head, application, contact_phone="049 1234567")
    assert "non accetta più domande" in info.value.messages[0]
    application.refresh_from_db()
    assert application.contact_phone == ""
    assert not application.members.filter(active=True).exists()
