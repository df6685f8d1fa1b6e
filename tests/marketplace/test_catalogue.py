"""The catalogue's services: the lifecycle (draft, published, archived) with its audit events,
the Italian validation (prices, categories, payers, Comuni), the residents-only rule, and the
public lists (drafts and archived hidden, public and company lists only of accredited
providers, and not after an automatic suspension)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.audit import ACTION_LABELS
from benecomune.core.models import AuditEvent, Membership, Municipality, Network, Role
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.lifecycles import LIFECYCLES, SERVICE
from benecomune.marketplace.models import Service, ServiceStatus, ServiceVariant
from benecomune.marketplace.services import catalogue
from benecomune.marketplace.services.expiry import expire_evidence
from benecomune.marketplace.services.offer import offer_refusal, offered_to, visible_services
from tests.helpers import actor_for
from tests.marketplace.conftest import TODAY

pytestmark = pytest.mark.django_db
S = ServiceStatus


def service_data(**changes) -> dict:
    data = {
        "title": "Doposcuola",
        "description": "Compiti e studio assistito.",
        "user_area": "family_minors",
        "service_type": "tutoring",
        "target_groups": ["minors"],
        "price": "12,50",
        "price_unit": "hour",
        "duration_minutes": "60",
        "delivery": "in_person",
        "payable_by": ["public", "company", "own"],
        "art51_category": "tutoring",
        "accreditation_area": "family",
    }
    data.update(changes)
    return data


def make_service(actor, provider, *, publish=True, **changes) -> Service:
    with all_tenants():
        service = catalogue.create_service(actor, provider, **service_data(**changes))
        if publish:
            catalogue.publish(actor, service)
        service.refresh_from_db()
    return service


def actions_of(service) -> list[str]:
    return list(
        AuditEvent.objects_unscoped.filter(object_id=str(service.pk), action__contains="service")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_table_is_in_the_registry_and_labelled():
    assert LIFECYCLES["marketplace.Service"] is SERVICE
    assert SERVICE.reachable() == set(S.values)
    for transition in SERVICE.transitions:
        assert str(ACTION_LABELS[transition.action]) != transition.action


def test_lifecycle_draft_published_archived_restored(make_provider):
    provider, owner = make_provider()
    service = make_service(owner, provider, publish=False)
    assert service.status == S.DRAFT and service.price == 1250
    with all_tenants():
        catalogue.publish(owner, service)
        catalogue.unpublish(owner, service)
        catalogue.publish(owner, service)
        catalogue.archive(owner, service)
        service.refresh_from_db()
        assert service.status == S.ARCHIVED
        with pytest.raises(ValidationError, match="archiviato"):
            catalogue.update_service(owner, service, **service_data(title="Altro"))
        with pytest.raises(ValidationError, match="Non si può passare"):
            catalogue.publish(owner, service)
        catalogue.restore(owner, service)
    service.refresh_from_db()
    assert (service.status, service.title) == (S.DRAFT, "Doposcuola")
    assert actions_of(service) == [
        "marketplace.service_created",
        "marketplace.service_published",
        "marketplace.service_unpublished",
        "marketplace.service_published",
        "marketplace.service_archived",
        "marketplace.service_restored",
    ]


def test_an_operator_manages_services_too(make_provider, make_user):
    provider, _owner = make_provider()
    user = make_user("operatore@example.org", role=Role.PROVIDER_STAFF, organization=provider)
    operator = actor_for(user, Role.PROVIDER_STAFF, provider)
    assert Membership.objects.filter(user=user, organization=provider).exists()
    service = make_service(operator, provider)
    assert service.status == S.PUBLISHED


def test_another_providers_staff_cannot_create_or_change(make_provider):
    provider, owner = make_provider()
    _other, stranger = make_provider()
    service = make_service(owner, provider)
    with all_tenants():
        with pytest.raises(PermissionDenied):
            catalogue.create_service(stranger, provider, **service_data())
        with pytest.raises(PermissionDenied):
            catalogue.update_service(stranger, service, **service_data(title="Preso"))
        with pytest.raises(PermissionDenied):
            catalogue.archive(stranger, service)
    service.refresh_from_db()
    assert (service.title, service.status) == ("Doposcuola", S.PUBLISHED)


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-5", "maggiore di zero"),
        ("0", "maggiore di zero"),
        ("12,345", "al massimo due decimali"),
        ("dodici", "Importo non valido"),
        ("", "Indichi il prezzo"),
    ],
)
def test_bad_price_is_refused_and_nothing_is_written(make_provider, price, message):
    provider, owner = make_provider()
    with all_tenants(), pytest.raises(ValidationError) as caught:
        catalogue.create_service(owner, provider, **service_data(price=price))
    assert message in " ".join(caught.value.message_dict["price"])
    assert Service.objects_unscoped.count() == 0
    assert not AuditEvent.objects_unscoped.filter(action="marketplace.service_created").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"payable_by": []}, "payable_by", "almeno un modo"),
        ({"accreditation_area": ""}, "accreditation_area", "area di accreditamento"),
        ({"art51_category": ""}, "art51_category", "art. 51"),
        ({"art51_category": "grocery"}, "art51_category", "non prevista"),
        ({"user_area": "astronauts"}, "user_area", "area di utenza"),
        ({"delivery": ""}, "delivery", "modalità"),
        ({"duration_minutes": "-3"}, "duration_minutes", "minuti"),
        ({"price_unit": ""}, "price_unit", "ora, incontro"),
        ({"target_groups": ["aliens"]}, "target_groups", "aliens"),
        ({"title": "x" * 151}, "title", "150"),
    ],
)
def test_fields_are_checked_in_italian(make_provider, changes, field, message):
    provider, owner = make_provider()
    with all_tenants(), pytest.raises(ValidationError) as caught:
        catalogue.create_service(owner, provider, **service_data(**changes))
    assert message in " ".join(caught.value.message_dict[field])
    assert Service.objects_unscoped.count() == 0


def test_free_and_on_request_have_no_price(make_provider):
    provider, owner = make_provider()
    free = make_service(owner, provider, price_kind="free", price="99", title="Gratis")
    asked = make_service(owner, provider, price_kind="on_request", title="Su richiesta")
    assert (free.price, free.price_unit, asked.price) == (None, "", None)


def test_comuni_of_another_network_are_refused(make_provider):
    provider, owner = make_provider()
    elsewhere = Network.objects.create(name="Altra rete", slug="altra-rete")
    padova = Municipality.objects.create(
        name="Padova", slug="padova", istat_code="028060", network=elsewhere
    )
    with all_tenants(), pytest.raises(ValidationError) as caught:
        catalogue.create_service(owner, provider, **service_data(municipalities_served=[padova]))
    assert "Comuni della rete" in caught.value.message_dict["municipalities_served"][0]


def test_publishing_needs_a_description_and_home_services_their_comuni(make_provider):
    provider, owner = make_provider()
    with all_tenants():
        service = catalogue.create_service(
            owner, provider, **service_data(description="", delivery="at_home")
        )
        with pytest.raises(ValidationError) as caught:
            catalogue.publish(owner, service)
    text = caught.value.messages[0]
    assert "descrizione" in text and "domicilio" in text
    service.refresh_from_db()
    assert service.status == S.DRAFT


def test_html_in_the_description_is_kept_as_text(make_provider):
    provider, owner = make_provider()
    service = make_service(owner, provider, description="<script>alert(1)</script> ciao")
    assert service.description == "<script>alert(1)</script> ciao"


def test_variants_with_their_prices(make_provider):
    provider, owner = make_provider()
    service = make_service(owner, provider)
    with all_tenants():
        catalogue.add_variant(owner, service, label="5 incontri", price="55,00", sessions="5")
        with pytest.raises(ValidationError) as caught:
            catalogue.add_variant(owner, service, label="10", price="1,234", sessions="0")
    assert set(caught.value.message_dict) == {"price", "sessions"}
    variant = ServiceVariant.objects_unscoped.get(service=service)
    assert (variant.label, variant.price, variant.sessions) == ("5 incontri", 5500, 5)


# --- residents only -----------------------------------------------------------------------------


def test_in_person_and_at_home_only_for_residents_of_the_network(
    make_provider, make_person, municipality, other_municipality
):
    provider, owner = make_provider()
    elsewhere = Network.objects.create(name="Altra rete", slug="altra-rete")
    padova = Municipality.objects.create(
        name="Padova", slug="padova", istat_code="028060", network=elsewhere
    )
    resident = make_person(municipality)
    neighbour = make_person(other_municipality, first_name="Anna", sex="F")
    outsider = make_person(padova, first_name="Luca")
    in_person = make_service(owner, provider)
    online = make_service(owner, provider, delivery="online", title="Online")
    at_home = make_service(
        owner, provider, delivery="at_home", title="A casa", municipalities_served=[municipality]
    )
    assert offered_to(in_person, resident) and offered_to(in_person, neighbour)
    assert "residenti" in offer_refusal(in_person, outsider)
    assert not offered_to(in_person, None)
    assert offered_to(online, outsider) and offered_to(online, None)
    assert offered_to(at_home, resident)
    assert other_municipality.name in offer_refusal(at_home, neighbour)
    assert not offered_to(at_home, outsider)


# --- public lists -------------------------------------------------------------------------------


def test_public_lists_hide_drafts_archived_and_unaccredited(accredited, make_provider, network):
    provider, owner, _accreditation = accredited
    other, other_owner = make_provider()
    shown = make_service(owner, provider, title="Accreditato")
    make_service(owner, provider, title="Bozza", publish=False)
    archived = make_service(owner, provider, title="Archiviato")
    home = make_service(owner, provider, title="Area casa", accreditation_area="home")
    own_only = make_service(
        other_owner, other, title="Solo denaro proprio", payable_by=["own"], art51_category=""
    )
    unaccredited = make_service(other_owner, other, title="Non accreditato")
    with all_tenants():
        catalogue.archive(owner, archived)

    def titles(**kwargs):
        return set(visible_services(network, on=TODAY, **kwargs).values_list("title", flat=True))

    assert titles() == {shown.title, home.title, own_only.title, unaccredited.title}
    assert titles(payer="public") == {shown.title}
    assert titles(payer="company") == {shown.title}
    assert titles(payer="own") == {shown.title, home.title, own_only.title, unaccredited.title}
    # A required document expires: the sweep suspends the accreditation, the services leave
    # the public and company lists (not the own-money one).
    later = TODAY + datetime.timedelta(days=366)
    with all_tenants():
        assert expire_evidence(today=later)["suspended"] == 1
    assert set(
        visible_services(network, payer="public", on=later).values_list("title", flat=True)
    ) == (set())
    assert shown.title in set(
        visible_services(network, payer="own", on=later).values_list("title", flat=True)
    )
