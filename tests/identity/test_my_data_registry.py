"""The export covers every kind of personal data: a model with a key to core.Person or
core.Household must be in identity.my_data (a category) or in its EXEMPT_MODELS."""

import pytest
from django.apps import apps

from benecomune.core.models import Household, Person
from benecomune.core.scoping import all_tenants
from benecomune.identity import my_data

PERSONAL = (Person, Household)


def models_with_personal_keys() -> set[str]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in PERSONAL:
                found.add(model._meta.label_lower)
    return found


def test_every_model_with_a_person_or_household_key_is_exported_or_exempt():
    found = models_with_personal_keys()
    assert "calls.application" in found and "core.householdmember" in found  # the rule works
    exempt = {label.lower() for label in my_data.EXEMPT_MODELS}
    missing = sorted(found - my_data.covered_models() - exempt)
    assert not missing, f"export them in identity/my_data.py or exempt them: {missing}"


def test_categories_name_real_models_and_unique_keys():
    for label in my_data.covered_models():
        apps.get_model(label)
    keys = [c.key for c in my_data.CATEGORIES]
    assert len(keys) == len(set(keys))


@pytest.mark.django_db
def test_every_category_reads_for_a_person(application, family):
    with all_tenants():
        data = my_data.collect(family["head"])
    assert set(data) == {c.key for c in my_data.CATEGORIES}
    assert data["persona"][0]["fiscal_code"] == family["head"].fiscal_code
    assert len(data["nucleo"]) == 2
    assert data["domande"][0]["id"] == application.pk
    assert all("password" not in row for row in data["account"])
