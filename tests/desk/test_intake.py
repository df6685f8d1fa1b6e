"""Intake: a case for a person found or registered by codice fiscale, or an anonymous
contact; consents per purpose; bad input gets an Italian message, changes nothing and the
attempt is audited."""

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from benecomune.core.models import AuditEvent, Person
from benecomune.desk.models import Case, CaseConsent, CaseStatus, ConsentPurpose, Need
from benecomune.desk.services import intake
from tests.desk.conftest import intake_for, needs


def consents(case):
    return CaseConsent.objects_unscoped.filter(case=case)


def refusals(action="desk.intake_refused"):
    return AuditEvent.objects_unscoped.filter(action=action)


@pytest.mark.django_db
def test_taxonomy_has_the_istat_areas_with_needs():
    from benecomune.desk.models import NeedArea

    assert list(NeedArea.objects.values_list("code", flat=True)) == [
        "famiglia-minori",
        "disabilita",
        "anziani",
        "poverta-disagio-adulti",
        "immigrati",
        "dipendenze",
        "multiutenza",
    ]
    assert all(area.needs.exists() for area in NeedArea.objects.all())
    assert set(NeedArea.objects.filter(special_category=True).values_list("code", flat=True)) == {
        "disabilita",
        "dipendenze",
    }


def test_a_case_for_a_registered_person(manager, point, elder):
    actor = manager[0]
    case = intake.open_case(actor, point, intake_for(elder, consents=["intake", "contact"]))
    assert case.protocol.startswith(f"PW{point.pk}-") and case.protocol.endswith("-00001")
    assert case.person == elder and case.household is not None
    assert case.status == CaseStatus.OPEN and case.assigned_to == actor.user
    assert case.organization_id == point.organization_id
    assert set(consents(case).values_list("purpose", flat=True)) == {"intake", "contact"}
    assert set(case.needs.values_list("code", flat=True)) == {
        "assistenza-domiciliare-anziani",
        "solitudine",
    }
    opened = AuditEvent.objects_unscoped.get(action="desk.case_opened")
    assert opened.person_id == elder.pk and opened.after["anonymous"] is False
    assert AuditEvent.objects_unscoped.filter(action="desk.consent_recorded").count() == 2
    second = intake.open_case(actor, point, intake_for(elder))
    assert second.protocol.endswith("-00002")


def test_an_unknown_codice_fiscale_registers_the_person_through_the_core(
    manager, point, municipality
):
    code = codicefiscale.encode(
        lastname="Verdi",
        firstname="Gino",
        gender="M",
        birthdate="05/05/1955",
        birthplace="Padova",
    )
    case = intake.open_case(
        manager[0],
        point,
        intake_for(
            None,
            fiscal_code=code.lower(),
            first_name="Gino",
            last_name="Verdi",
            residence=municipality,
            anonymous_label="",
            consents=[ConsentPurpose.INTAKE],
            consent_method="recorded",
        ),
    )
    person = Person.objects_unscoped.get(fiscal_code=code)
    assert case.person == person and person.residence == municipality
    assert AuditEvent.objects_unscoped.filter(action="person.registered", person=person).exists()


def test_an_anonymous_contact_needs_no_consent(manager, point):
    case = intake.open_case(manager[0], point, intake_for(None))
    assert case.person is None and case.anonymous_label == "Signora al mercato"
    assert case.display_name == "Signora al mercato"
    assert not consents(case).exists()


BAD = [
    ({"fiscal_code": "RSSMRA80A01G224X"}, "fiscal_code", "non è valido"),
    ({"fiscal_code": "RSSMRA80"}, "fiscal_code", "16 caratteri"),
    ({"fiscal_code": "", "anonymous_label": ""}, "fiscal_code", "codice fiscale"),
    ({"needs": []}, "needs", "almeno un bisogno"),
    ({"source": "piccione"}, "source", "da dove arriva"),
    ({"consents": []}, "consents", "consenso alla presa in carico"),
    ({"consent_method": ""}, "consent_method", "modulo firmato"),
]


@pytest.mark.parametrize(("over", "field", "message"), BAD)
def test_bad_input_changes_nothing_and_is_audited(manager, point, elder, over, field, message):
    people_before = Person.objects_unscoped.count()
    with pytest.raises(ValidationError) as excinfo:
        intake.open_case(manager[0], point, intake_for(elder, **over))
    assert field in excinfo.value.message_dict
    assert message in " ".join(excinfo.value.message_dict[field])
    assert not Case.objects_unscoped.exists() and not CaseConsent.objects_unscoped.exists()
    assert Person.objects_unscoped.count() == people_before
    assert not AuditEvent.objects_unscoped.filter(action="desk.case_opened").exists()
    (refusal,) = refusals()
    assert refusal.actor == manager[1] and refusal.reason


def test_an_unknown_code_without_names_asks_for_them(manager, point):
    code = codicefiscale.encode(
        lastname="Neri", firstname="Lia", gender="F", birthdate="05/05/1960", birthplace="Padova"
    )
    with pytest.raises(ValidationError) as excinfo:
        intake.open_case(manager[0], point, intake_for(None, fiscal_code=code, anonymous_label=""))
    assert "non è ancora registrato" in str(excinfo.value)
    assert not Person.objects_unscoped.filter(fiscal_code=code).exists()


def test_health_needs_require_the_art_9_consent(manager, point, elder):
    disability = needs("assistenza-domiciliare-disabili")
    with pytest.raises(ValidationError) as excinfo:
        intake.open_case(manager[0], point, intake_for(elder, needs=disability))
    assert "art. 9" in str(excinfo.value)
    case = intake.open_case(
        manager[0], point, intake_for(elder, needs=disability, consents=["intake", "special"])
    )
    assert consents(case).filter(purpose="special").exists()


def test_an_operator_cannot_open_a_case_at_another_point(other_manager, point, elder):
    with pytest.raises(PermissionDenied) as excinfo:
        intake.open_case(other_manager[0], point, intake_for(elder))
    assert "Non lavora in questo Punto Welfare" in str(excinfo.value)
    assert not Case.objects_unscoped.exists()
    assert refusals().count() == 1


def test_an_inactive_need_is_refused(manager, point, elder):
    need = Need.objects.get(code="solitudine")
    need.is_active = False
    need.save()
    with pytest.raises(ValidationError):
        intake.open_case(manager[0], point, intake_for(elder, needs=[need]))


def _form(elder, **over):
    data = {
        "point": "",
        "fiscal_code": elder.fiscal_code,
        "needs": [Need.objects.get(code="solitudine").pk],
        "urgency": "normal",
        "source": "walk_in",
        "consents": ["intake"],
        "consent_method": "signed",
        "informativa_shown": "on",
    }
    data.update(over)
    return data


def test_the_intake_page_opens_a_case(manager, point, elder, operator_client):
    client = operator_client(manager)
    page = client.get(reverse("desk:intake"))
    assert page.status_code == 200
    assert "Informativa sul trattamento dei dati personali" in page.content.decode()
    response = client.post(reverse("desk:intake"), _form(elder, point=point.pk))
    case = Case.objects_unscoped.get()
    assert response.status_code == 302 and response.url == reverse("desk:case", args=[case.pk])


def test_the_intake_page_shows_a_bad_codice_fiscale_in_italian(
    manager, point, elder, operator_client
):
    client = operator_client(manager)
    response = client.post(
        reverse("desk:intake"), _form(elder, point=point.pk, fiscal_code="ABCDEF12G34H567I")
    )
    assert response.status_code == 200
    assert "non è valido" in response.content.decode()
    assert not Case.objects_unscoped.exists()
    assert refusals().count() == 1


def test_a_consent_needs_the_informativa_shown(manager, point, elder, operator_client):
    client = operator_client(manager)
    response = client.post(
        reverse("desk:intake"), _form(elder, point=point.pk, informativa_shown="")
    )
    assert "mostri l&#x27;informativa" in response.content.decode()
    assert not Case.objects_unscoped.exists()
