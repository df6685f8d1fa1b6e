"""core.compiled_queries: a read compiled once per connection gives what the queryset gives
(here on the catalogue's services, made through the catalogue's services)."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.models import Organization
from benecomune.core.services.tokens import ACTIVE_CITIZEN_TOKEN
from benecomune.marketplace.models import Service
from tests.marketplace.test_catalogue import make_service

pytestmark = pytest.mark.django_db


def _services_of(provider_id: int, title: str):
    return (
        Service.objects_unscoped.select_related("provider")
        .filter(provider_id=provider_id, title=title)
        .order_by("pk")
    )


SERVICES = CompiledQuery("test_services", _services_of, -9_000_001, "\x00title")


@pytest.fixture
def shop(make_provider):
    return make_provider()


def _service(shop, title, price="15,00"):
    provider, owner = shop
    return make_service(owner, provider, title=title, price=price)


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_compiled_read_builds_the_same_instances_as_the_queryset(shop):
    made = [_service(shop, "Pasti a domicilio", price) for price in ("15,00", "25,00")]
    _service(shop, "Altro")
    compiled = SERVICES(shop[0].pk, "Pasti a domicilio")
    orm = list(_services_of(shop[0].pk, "Pasti a domicilio"))
    assert [s.pk for s in compiled] == [s.pk for s in orm] == [s.pk for s in made]
    for got, expected in zip(compiled, orm, strict=True):
        assert _fields(got) == _fields(expected)
        # select_related filled: the provider comes with the row, no further query.
        with CaptureQueriesContext(connection) as queries:
            assert _fields(got.provider) == _fields(expected.provider)
        assert not queries.captured_queries
        assert not got._state.adding and got._state.db == "default"


def test_each_call_runs_with_its_own_values(shop, network):
    _service(shop, "Trasporto")
    assert SERVICES(shop[0].pk, "Nessuno") == []
    assert [s.title for s in SERVICES(shop[0].pk, "Trasporto")] == ["Trasporto"]
    assert SERVICES(network.pk, "Trasporto") == []
    assert first(SERVICES, shop[0].pk, "Nessuno") is None


def test_it_is_compiled_once_per_connection_then_runs_one_statement(shop):
    SERVICES(shop[0].pk, "x")
    plans = connections["default"].__dict__["_bc_compiled_queries"]
    plan = plans[(SERVICES,)]
    with CaptureQueriesContext(connection) as queries:
        SERVICES(shop[0].pk, "y")
    assert plans[(SERVICES,)] is plan
    assert len(queries.captured_queries) == 1


def test_rows_of_a_values_list(network, municipality, other_municipality):
    members = CompiledQuery(
        "test_members",
        lambda pk: Organization.objects.filter(network_id=pk).values_list("pk", "name"),
        -9_000_002,
    )
    expected = list(Organization.objects.filter(network_id=network.pk).values_list("pk", "name"))
    assert members(network.pk) == expected
    assert {pk for pk, _ in expected} >= {municipality.pk, other_municipality.pk}
    assert network.tenant_ids() == [network.pk, *(pk for pk, _ in expected)]


def test_a_stand_in_that_does_not_reach_the_sql_unchanged_is_refused(shop):
    # `icontains` wraps the value in %...%: the compiled SQL could not take the real one.
    bad = CompiledQuery(
        "test_bad",
        lambda title: Service.objects_unscoped.filter(title__icontains=title),
        "\x00title",
    )
    with pytest.raises(ValueError, match="not in the SQL"):
        bad("x")


def test_a_revoked_or_unknown_citizen_token_finds_nothing(make_person, make_user):
    assert first(ACTIVE_CITIZEN_TOKEN, "no-such-hash") is None


def test_none_runs_through_the_orm_as_is_null(shop):
    # Django reads `provider_id=None` as IS NULL; compiled SQL would compare with NULL.
    assert SERVICES(None, "Trasporto") == list(_services_of(None, "Trasporto"))


def test_a_list_of_values_and_dates_as_the_orm_adapts_them(shop):
    import datetime

    from benecomune.core.compiled_queries import STAND_IN_TIME

    service = _service(shop, "Mensa")
    query = CompiledQuery(
        "test_list",
        lambda pks, since: Service.objects_unscoped.filter(
            pk__in=pks, created_at__gte=since
        ).order_by("pk"),
        [-9_000_100],
        STAND_IN_TIME,
    )
    long_ago = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    assert [s.pk for s in query([service.pk], long_ago)] == [service.pk]
    assert [s.pk for s in query([service.pk, -1, -2], long_ago)] == [service.pk]
    assert query([service.pk], service.created_at + datetime.timedelta(seconds=1)) == []


def test_a_value_used_twice_fills_both_places(shop):
    service = _service(shop, "Spesa")
    both = CompiledQuery(
        "test_twice",
        lambda pk: Service.objects_unscoped.filter(pk__gte=pk, pk__lte=pk),
        -9_000_300,
    )
    assert [s.pk for s in both(service.pk)] == [service.pk]
    assert both(service.pk + 1000) == []
