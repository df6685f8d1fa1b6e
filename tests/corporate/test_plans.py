"""Plan versions: draft, submitted, approved (frozen), closed; maker-checker on approval;
a new version from an approved one; groups never name a person."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.models import AuditEvent
from benecomune.corporate.models import PlanGroup, PlanStatus, PlanVersion
from benecomune.corporate.services import plans
from tests.corporate.conftest import PEOPLE, basis, fiscal_code

pytestmark = pytest.mark.django_db


def test_an_approved_plan_is_frozen_and_refuses_every_edit(approved_plan, hr_operator, hr_admin):
    assert approved_plan.status == PlanStatus.APPROVED
    group = approved_plan.group_rows().first()
    rule = approved_plan.rule_rows().first()
    attempts = [
        lambda: plans.update_version(hr_operator, approved_plan, notes="cambiata"),
        lambda: plans.add_group(hr_operator, approved_plan, name="Nuovo", credit=1),
        lambda: plans.remove_group(hr_admin, group),
        lambda: plans.set_rule(
            hr_operator, approved_plan, legal_basis=basis("art51_c2_f_bis"), delivery="platform"
        ),
        lambda: plans.remove_rule(hr_admin, rule),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="non si può più cambiare"):
            attempt()
    approved_plan.refresh_from_db()
    assert approved_plan.notes == ""
    assert approved_plan.group_rows().count() == 2
    assert approved_plan.rule_rows().count() == 1


def test_the_one_who_submitted_cannot_approve(draft_plan, hr_admin, hr_admin2):
    plans.submit(hr_admin, draft_plan)
    with pytest.raises(ValidationError, match="quattro occhi"):
        plans.approve(hr_admin, draft_plan)
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.SUBMITTED
    plans.approve(hr_admin2, draft_plan)
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.APPROVED
    assert AuditEvent.objects_unscoped.filter(action="corporate.plan_approved").count() == 1


def test_the_operator_drafts_and_submits_but_cannot_approve(draft_plan, hr_operator):
    plans.submit(hr_operator, draft_plan)
    with pytest.raises(PermissionDenied):
        plans.approve(hr_operator, draft_plan)


def test_a_plan_without_groups_or_categories_cannot_be_submitted(hr_operator, company):
    version = plans.create_plan(
        hr_operator, company, name="Vuoto", starts_on=datetime.date(2026, 1, 1), origin="on_top"
    )
    with pytest.raises(ValidationError) as refused:
        plans.submit(hr_operator, version)
    assert "gruppi" in str(refused.value) and "categorie" in str(refused.value)
    version.refresh_from_db()
    assert version.status == PlanStatus.DRAFT


def test_a_new_version_copies_the_approved_one_and_replaces_it_once_approved(
    approved_plan, hr_operator, hr_admin
):
    draft = plans.new_version(hr_operator, approved_plan)
    assert (draft.number, draft.status, draft.based_on_id) == (2, "draft", approved_plan.pk)
    assert draft.group_rows().count() == 2 and draft.rule_rows().count() == 1
    with pytest.raises(ValidationError, match="già una versione in lavorazione"):
        plans.new_version(hr_operator, approved_plan)
    plans.update_version(hr_operator, draft, unspent="carry_over")
    plans.submit(hr_operator, draft)
    plans.approve(hr_admin, draft)
    approved_plan.refresh_from_db()
    assert approved_plan.status == PlanStatus.CLOSED
    assert approved_plan.unspent == "back_to_company"  # the old version never changed


def test_a_submitted_version_goes_back_to_draft_with_a_reason(draft_plan, hr_operator, hr_admin):
    plans.submit(hr_operator, draft_plan)
    with pytest.raises(ValidationError):
        plans.return_to_draft(hr_admin, draft_plan, reason=" ")
    plans.return_to_draft(hr_admin, draft_plan, reason="Manca la sede di Limena")
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT


def test_the_period_is_twelve_months_from_any_start(hr_operator, company):
    version = plans.create_plan(
        hr_operator, company, name="Welfare", starts_on=datetime.date(2026, 4, 1), origin="on_top"
    )
    assert version.ends_on == datetime.date(2027, 3, 31)


def test_bad_plan_input_is_refused_in_italian_and_writes_nothing(hr_operator, company):
    with pytest.raises(ValidationError) as refused:
        plans.create_plan(hr_operator, company, name="", starts_on=None, origin="boh")
    assert set(refused.value.message_dict) == {"name", "starts_on", "origin"}
    assert not PlanVersion.objects_unscoped.exists()


@pytest.mark.parametrize(
    ("fields", "what"),
    [
        ({"name": "Solo per Luca Bianchi"}, "il nome di un dipendente"),
        ({"name": "Gruppo", "level": "MB002"}, "una matricola"),
        ({"name": "Gruppo", "site": "CF {cf}"}, "un codice fiscale"),
        ({"name": "Bianchi Luca"}, "il nome di un dipendente"),
    ],
)
def test_a_group_naming_a_person_is_refused_ad_personam(
    imported, draft_plan, hr_operator, fields, what
):
    fields = {k: v.format(cf=fiscal_code(*PEOPLE[0][:4])) for k, v in fields.items()}
    with pytest.raises(ValidationError) as refused:
        plans.add_group(hr_operator, draft_plan, credit=10_000, **fields)
    message = " ".join(m for ms in refused.value.message_dict.values() for m in ms)
    assert what in message and "mai a persone nominate" in message
    assert PlanGroup.objects_unscoped.filter(version=draft_plan).count() == 2


def test_objective_criteria_are_accepted(imported, draft_plan, hr_operator):
    group = plans.add_group(
        hr_operator,
        draft_plan,
        name="Quadri di Limena con 5 anni",
        category="quadro",
        site="Limena",
        min_seniority_months=60,
        credit=80_000,
    )
    assert group.position == 3


def test_an_unknown_category_is_refused(draft_plan, hr_operator):
    with pytest.raises(ValidationError, match="Categoria non valida"):
        plans.add_group(hr_operator, draft_plan, name="X", category="stagista", credit=1)


def test_the_auditor_reads_but_cannot_draft(hr_auditor, company):
    with pytest.raises(PermissionDenied):
        plans.create_plan(
            hr_auditor, company, name="X", starts_on=datetime.date(2026, 1, 1), origin="on_top"
        )


def test_hr_of_another_company_cannot_touch_the_plan(draft_plan, make_actor, other_company):
    from benecomune.core.models import Role

    other_hr = make_actor("hr@tessiture.example.org", Role.COMPANY_HR, other_company)
    with pytest.raises(PermissionDenied):
        plans.add_group(other_hr, draft_plan, name="Intrusi", credit=1)
    with pytest.raises(PermissionDenied):
        plans.submit(other_hr, draft_plan)


def test_closing_needs_a_reason_and_records_it(approved_plan, hr_admin, hr_operator):
    for reason in ["", "   ", "ok", "x" * 301]:
        with pytest.raises(ValidationError) as exc:
            plans.close(hr_admin, approved_plan, reason=reason)
        assert "Scriva perché chiude il piano" in " ".join(exc.value.message_dict["reason"])
    with pytest.raises(PermissionDenied):
        plans.close(hr_operator, approved_plan, reason="Fine del contratto aziendale")
    approved_plan.refresh_from_db()
    assert approved_plan.status == PlanStatus.APPROVED
    assert not AuditEvent.objects_unscoped.filter(action="corporate.plan_closed").exists()
    plans.close(hr_admin, approved_plan, reason="  Fine del   contratto aziendale ")
    approved_plan.refresh_from_db()
    assert approved_plan.status == PlanStatus.CLOSED
    event = AuditEvent.objects_unscoped.get(action="corporate.plan_closed")
    assert event.reason == "Fine del contratto aziendale"
