# ruff: noqa: F811 (the fixtures imported from the helpers are used by name)
"""Reviews of purchases through the services: only the buyer (or a desk for them) of a
completed purchase, once; the provider answers once; the network of the provider hides and
restores; the averages are one computation over the published reviews."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.models import AuditEvent
from benecomune.core.models.notifications import Notification, OutboxMessage
from benecomune.marketplace.models import Review, ReviewStatus
from benecomune.marketplace.purchases import (
    PURCHASE_SOURCES,
    Purchase,
    completed_purchases,
    register_purchase_source,
)
from benecomune.marketplace.review_queries import provider_rating, service_rating
from benecomune.marketplace.services import reviews as services
from benecomune.payments.models import IntentStatus
from benecomune.payments.services import checkout, refunds
from tests.ledger.conftest import ledger_stays_sound  # noqa: F401
from tests.marketplace.reviews_helpers import (  # noqa: F401 (fixtures)
    SYSTEM,
    buy,
    coop,
    other_network_admin,
    review,
)
from tests.marketplace.test_catalogue import make_service
from tests.marketplace.threads_helpers import citizen, desk, other_citizen  # noqa: F401
from tests.payments.conftest import fake_gateway  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_gateway")]


def actions(review_obj) -> list[str]:
    return list(
        AuditEvent.objects_unscoped.filter(
            object_type="marketplace.review", object_id=str(review_obj.pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_buyer_reviews_a_captured_purchase_once(citizen, coop):
    person, _user, actor = citizen
    provider, _owner, service = coop
    intent = buy(person, service)
    written = review(actor, intent, rating=4, comment="  Molto brave.\n\nPuntuali. ")
    assert (written.provider_id, written.service_id, written.person_id) == (
        provider.pk,
        service.pk,
        person.pk,
    )
    assert (written.rating, written.comment, written.status) == (
        4,
        "Molto brave.\n\nPuntuali.",
        ReviewStatus.PUBLISHED,
    )
    assert (written.source_kind, written.source_id) == ("payments.intent", str(intent.pk))
    assert actions(written) == ["marketplace.review_written"]
    event = AuditEvent.objects_unscoped.get(action="marketplace.review_written")
    assert event.organization_id == provider.pk and event.person_id == person.pk
    # The provider is told by e-mail, with the link, not the words.
    mail = OutboxMessage.objects_unscoped.get(template_key="marketplace_review_to_provider")
    assert mail.to == "coop@example.org"
    assert "/gestione/fornitore/recensioni/" in mail.body and "Puntuali" not in mail.body
    # A second review of the same purchase: refused in Italian, nothing changed.
    with pytest.raises(ValidationError, match="una sola recensione"):
        review(actor, intent, rating=1, comment="Cambio idea")
    # Nor with the id spelt otherwise: the source's own spelling is stored and checked.
    with pytest.raises(ValidationError, match="una sola recensione"):
        services.write_review(actor, "payments.intent", f"00{intent.pk}", rating=1)
    assert Review.objects_unscoped.count() == 1
    written.refresh_from_db()
    assert written.rating == 4
    # A second purchase of the same service is a new review.
    review(actor, buy(person, service), rating=2)
    assert service_rating(service).count == 2


def test_only_completed_purchases_are_reviewable(citizen, coop):
    person, _user, actor = citizen
    _provider, _owner, service = coop
    authorised = buy(person, service, capture=False)
    voided = checkout.void(SYSTEM, buy(person, service, capture=False))
    refunded = refunds.refund(SYSTEM, buy(person, service), idempotency_key="refund-all")
    partly = refunds.refund(SYSTEM, buy(person, service), 250, idempotency_key="refund-part")
    partial_capture = checkout.capture(SYSTEM, buy(person, service, capture=False), 1_000)
    assert (voided.status, refunded.status, partly.status, partial_capture.status) == (
        IntentStatus.VOIDED,
        IntentStatus.REFUNDED,
        IntentStatus.PARTIALLY_REFUNDED,
        IntentStatus.PARTIALLY_CAPTURED,
    )
    for intent in (authorised, voided, refunded):
        with pytest.raises(ValidationError, match="solo un acquisto concluso"):
            review(actor, intent)
    assert not Review.objects_unscoped.exists()
    # Money reached the provider, in part: reviewable.
    review(actor, partly)
    review(actor, partial_capture)
    assert Review.objects_unscoped.count() == 2
    # The citizen's list: the completed ones only.
    listed = {p.source_id for p in completed_purchases(person.pk)}
    assert listed == {str(partly.pk), str(partial_capture.pk)}


def test_someone_elses_purchase_or_an_unknown_one(citizen, other_citizen, coop, make_person):
    person, _user, _actor = citizen
    _other, _other_user, other_actor = other_citizen
    _provider, owner, service = coop
    intent = buy(person, service)
    with pytest.raises(PermissionDenied):
        review(other_actor, intent)
    # The provider's own staff cannot review their service either.
    with pytest.raises(PermissionDenied):
        review(owner, intent)
    with pytest.raises(ValidationError, match="non esiste"):
        services.write_review(other_actor, "payments.intent", "999999", rating=5)
    with pytest.raises(ValidationError, match="non esiste"):
        services.write_review(other_actor, "nessuna.fonte", intent.pk, rating=5)
    assert not Review.objects_unscoped.exists()
    assert not AuditEvent.objects_unscoped.filter(action__startswith="marketplace.review").exists()


@pytest.mark.parametrize(
    ("rating", "comment", "message"),
    [
        (0, "", "da 1 a 5 stelle"),
        (6, "", "da 1 a 5 stelle"),
        ("tre", "", "da 1 a 5 stelle"),
        (None, "", "da 1 a 5 stelle"),
        (5, "x" * 2001, "al massimo 2000 caratteri"),
    ],
)
def test_bad_rating_or_comment_changes_nothing(citizen, coop, rating, comment, message):
    person, _user, actor = citizen
    intent = buy(person, coop[2])
    with pytest.raises(ValidationError, match=message):
        review(actor, intent, rating=rating, comment=comment)
    assert not Review.objects_unscoped.exists()


def test_a_desk_reviews_for_the_citizen_with_consent(citizen, desk, coop):
    person, _user, _actor = citizen
    intent = buy(person, coop[2])
    with pytest.raises(ValidationError, match="consenso"):
        review(desk, intent)
    written = review(desk, intent, consent_note="Di persona, con documento d'identità")
    assert written.on_behalf and written.person_id == person.pk
    event = AuditEvent.objects_unscoped.get(action="marketplace.review_written")
    assert event.after["on_behalf_of"] == person.fiscal_code
    assert "documento d'identità" in event.reason


def test_the_provider_answers_once_and_the_citizen_is_told(citizen, coop, make_provider):
    person, _user, actor = citizen
    _provider, owner, service = coop
    written = review(actor, buy(person, service))
    _other_provider, other_owner = make_provider()
    with pytest.raises(PermissionDenied):
        services.answer_review(other_owner, written, text="Non è nostra")
    with pytest.raises(ValidationError, match="Scriva la risposta"):
        services.answer_review(owner, written, text="   ")
    services.answer_review(owner, written, text="Grazie a lei!")
    written.refresh_from_db()
    assert written.answer == "Grazie a lei!" and written.answered_by == owner.user
    with pytest.raises(ValidationError, match="una volta"):
        services.answer_review(owner, written, text="Ancora")
    written.refresh_from_db()
    assert written.answer == "Grazie a lei!"
    assert actions(written) == ["marketplace.review_written", "marketplace.review_answered"]
    note = Notification.objects.get(person=person)
    assert note.link == "/area-personale/recensioni/" and "Grazie" not in note.body
    assert OutboxMessage.objects_unscoped.filter(
        template_key="marketplace_review_answered", to="anna@example.org"
    ).exists()


def test_the_network_hides_and_restores_with_a_reason(
    citizen, coop, admins, other_network_admin, make_provider
):
    person, _user, actor = citizen
    provider, owner, service = coop
    written = review(actor, buy(person, service), rating=1, comment="Parole offensive")
    kept = review(actor, buy(person, service), rating=5)
    admin = admins[0]
    for outsider in (other_network_admin, owner, actor):
        with pytest.raises(PermissionDenied):
            services.hide_review(outsider, written, reason="Offensiva")
    with pytest.raises(ValidationError, match="Indichi il motivo"):
        services.hide_review(admin, written, reason=" ")
    written.refresh_from_db()
    assert written.status == ReviewStatus.PUBLISHED
    assert service_rating(service).average == Decimal("3.0")
    services.hide_review(admin, written, reason="Linguaggio offensivo")
    written.refresh_from_db()
    assert (written.status, written.hidden_reason, written.hidden_by) == (
        ReviewStatus.HIDDEN,
        "Linguaggio offensivo",
        admin.user,
    )
    # Hidden: out of the averages.
    rating = service_rating(service)
    assert (rating.count, rating.average) == (1, Decimal("5.0"))
    assert provider_rating(provider).count == 1
    with pytest.raises(ValidationError, match="già nascosta"):
        services.hide_review(admin, written, reason="Di nuovo")
    services.restore_review(admins[1], written, reason="Riesaminata: accettabile")
    written.refresh_from_db()
    assert written.status == ReviewStatus.PUBLISHED and written.hidden_reason == ""
    assert service_rating(service).count == 2
    assert actions(written) == [
        "marketplace.review_written",
        "marketplace.review_hidden",
        "marketplace.review_restored",
    ]
    hidden = AuditEvent.objects_unscoped.get(action="marketplace.review_hidden")
    assert hidden.reason == "Linguaggio offensivo" and hidden.organization_id == provider.network_id
    assert kept.status == ReviewStatus.PUBLISHED


def test_averages_equal_a_recomputation(citizen, other_citizen, coop):
    person, _user, actor = citizen
    other, _other_user, other_actor = other_citizen
    provider, owner, service = coop
    second = make_service(owner, provider, title="Centro estivo")
    ratings = [(actor, person, service, 5), (actor, person, service, 4)]
    ratings += [(other_actor, other, service, 4), (other_actor, other, second, 2)]
    ratings += [(actor, person, second, 3)]
    for who, buyer, bought, stars in ratings:
        review(who, buy(buyer, bought), rating=stars)
    for subject, rating in (
        (service, service_rating(service)),
        (second, service_rating(second)),
    ):
        stars = list(
            Review.objects_unscoped.filter(
                service=subject, status=ReviewStatus.PUBLISHED
            ).values_list("rating", flat=True)
        )
        assert rating.count == len(stars)
        expected = (Decimal(sum(stars)) / len(stars)).quantize(Decimal("0.1"), "ROUND_HALF_UP")
        assert rating.average == expected
    # 13 / 3 = 4.33 -> 4.3; 5 / 2 = 2.5; the provider: 18 / 5 = 3.6.
    assert service_rating(service).average == Decimal("4.3")
    assert service_rating(second).average == Decimal("2.5")
    overall = provider_rating(provider)
    assert (overall.count, overall.average, overall.average_text) == (5, Decimal("3.6"), "3,6")
    assert service_rating(make_service(owner, provider, title="Nuovo")).average is None


def test_a_variant_purchase_names_its_variant(citizen, coop):
    from benecomune.core.scoping import all_tenants
    from benecomune.marketplace.services import catalogue

    person, _user, actor = citizen
    _provider, owner, service = coop
    with all_tenants():
        variant = catalogue.add_variant(owner, service, label="Pacchetto 10", price="100,00")
    intent = buy(person, service, object_id=f"{service.pk}:{variant.pk}", amount=10_000)
    (purchase,) = completed_purchases(person.pk)
    assert purchase.label == "Pacchetto 10" and purchase.service == service
    assert review(actor, intent).service_id == service.pk


def test_another_source_registers_itself(citizen, coop):
    """A later source (completed bookings of free services) plugs in the same way."""
    person, _user, actor = citizen
    service = coop[2]
    bookings = {"7": True, "8": False}

    def resolve(source_id):
        if source_id not in bookings:
            return None
        return Purchase("test.booking", source_id, service, person.pk, bookings[source_id], None)

    register_purchase_source("test.booking", resolve, lambda person_id: [])
    try:
        written = services.write_review(actor, "test.booking", 7, rating=3)
        assert (written.source_kind, written.source_id) == ("test.booking", "7")
        with pytest.raises(ValidationError, match="concluso"):
            services.write_review(actor, "test.booking", 8, rating=3)
    finally:
        PURCHASE_SOURCES.pop("test.booking")
