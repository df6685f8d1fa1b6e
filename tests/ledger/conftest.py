"""Ledger fixtures: funds with money, wallets, merchants; the invariants checked after every
test that touches the database."""

import datetime
import itertools

import pytest
from django.core.management import call_command
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from benecomune.core.models import Provider
from benecomune.ledger.models import FundOrigin, WalletSource
from benecomune.ledger.services import funds, wallets
from benecomune.ledger.services.invariants import check_invariants

_vat = itertools.count(1000)


@pytest.fixture(autouse=True)
def ledger_stays_sound(request):
    """After every database test: check_invariants() is empty and ledger_check passes.
    A test that corrupts the ledger on purpose requests `allow_corrupt_ledger`."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    if "allow_corrupt_ledger" in request.fixturenames:
        return
    assert check_invariants() == []
    call_command("ledger_check", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def allow_corrupt_ledger():
    return True


@pytest.fixture
def make_provider(network, municipality):
    def make(name="Farmacia Centrale", category="pharmacy", municipality_=None, network_=None):
        n = next(_vat)
        return Provider.objects.create(
            name=f"{name} {n}",
            slug=f"esercente-{n}",
            provider_kind="shop",
            category=category,
            vat_number=f"{n:011d}",
            network=network_ or network,
            municipality=municipality_ or municipality,
        )

    return make


@pytest.fixture
def make_fund(municipality, system_actor):
    def make(amount=0, *, organization=None, contributor="Comune di Piazzola sul Brenta"):
        fund = funds.create_fund(
            system_actor,
            organization=organization or municipality,
            name="Fondo di prova",
            origin=FundOrigin.MUNICIPAL,
            legal_basis="Delibera di Giunta n. 1/2026",
        )
        if amount:
            funds.add_contribution(system_actor, fund, contributor=contributor, amount=amount)
        return fund

    return make


@pytest.fixture
def make_wallet(municipality, make_person, system_actor):
    def make(
        fund=None,
        amount=0,
        *,
        person=None,
        categories=(),
        territory=(),
        network=None,
        valid_from=None,
        valid_until=None,
        organization=None,
    ):
        person = person or make_person(municipality)
        wallet = wallets.open_wallet(
            system_actor,
            person=person,
            organization=organization or municipality,
            title="Buono spesa 2026",
            source_kind=WalletSource.CALL_AWARD,
            fund=fund,
            allowed_categories=categories,
            territory_municipalities=territory,
            territory_network=network,
            valid_from=valid_from,
            valid_until=valid_until or timezone.localdate() + datetime.timedelta(days=365),
        )
        if amount:
            funds.award(system_actor, fund, wallet, amount)
        return wallet

    return make


@pytest.fixture
def base_template(settings, tmp_path):
    """Pages extend base.html; until the shared one exists, a minimal stand-in."""
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        (tmp_path / "base.html").write_text(
            "<!doctype html><title>{% block title %}{% endblock %}</title>"
            "<main>{% block content %}{% endblock %}</main>"
        )
        settings.TEMPLATES = [
            {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
        ]
