"""Feedback on purchases, one function per use case (one transaction, an audit event,
notifications on commit):

- write_review: the buyer (or a Comune's desk for them, with consent) rates a completed
  purchase 1 to 5 with a comment; once per purchase
- answer_review: the provider's staff answer a review of their service, once
- hide_review / restore_review: the administrators of the provider's network moderate

A purchase comes from a registered source (marketplace/purchases.py): who bought, which
service, whether it is completed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import OrganizationKind, Person
from benecomune.core.notifications import EMAIL, INAPP, notify
from benecomune.core.on_behalf import on_behalf_reason, require_consent
from benecomune.marketplace.models import RATING_MAX, RATING_MIN, Review, ReviewStatus
from benecomune.marketplace.purchases import resolve_purchase
from benecomune.marketplace.services.common import (
    NETWORK_PERMISSION,
    clean_text,
    collect_errors,
)
from benecomune.marketplace.services.thread_access import (
    is_citizen,
    is_desk_for,
    is_provider_staff_of,
)
from benecomune.marketplace.services.threads import person_address, provider_address

COMMENT_MAX = 2000
ANSWER_MAX = 2000
REASON_MAX = 1000


def _limited(value: str, limit: int, field: str, empty: str = "") -> str:
    text = clean_text(value)
    if empty and not text:
        raise ValidationError({field: empty})
    if len(text) > limit:
        raise ValidationError(
            {field: _("Il testo è troppo lungo: al massimo %(n)s caratteri.") % {"n": limit}}
        )
    return text


def _rating(value) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not RATING_MIN <= rating <= RATING_MAX:
        raise ValidationError(
            {
                "rating": _("Scelga una valutazione da %(min)s a %(max)s stelle.")
                % {"min": RATING_MIN, "max": RATING_MAX}
            }
        )
    return rating


def _lock(review: Review) -> Review:
    return (
        Review.objects_unscoped.select_for_update()
        .select_related("provider", "person", "service")
        .get(pk=review.pk)
    )


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path if base_url else path


@transaction.atomic
def write_review(
    actor: Actor,
    kind: str,
    source_id,
    *,
    rating,
    comment: str = "",
    consent_note: str = "",
    base_url: str = "",
) -> Review:
    """The buyer rates one completed purchase (a desk may do it for them, with consent)."""
    purchase = resolve_purchase(kind, source_id)
    # The source's own spelling of the id ("7", not "007"): one review per purchase holds.
    kind, source_id = purchase.key
    person = Person.objects_unscoped.select_related("residence").get(pk=purchase.buyer_id)
    if is_citizen(actor, person.pk):
        on_behalf = False
    elif is_desk_for(actor, person):
        on_behalf = True
    else:
        raise PermissionDenied(_("Può recensire solo i suoi acquisti."))
    consent = require_consent(consent_note) if on_behalf else ""
    if not purchase.completed:
        raise ValidationError(
            _(
                "Si può recensire solo un acquisto concluso: questo pagamento non è stato "
                "incassato, oppure è stato annullato o rimborsato."
            )
        )
    errors = {}
    rating = collect_errors(errors, _rating, rating)
    comment = collect_errors(errors, lambda value: _limited(value, COMMENT_MAX, "comment"), comment)
    if errors:
        raise ValidationError(errors)
    already = _("Ha già recensito questo acquisto: si può scrivere una sola recensione.")
    if Review.objects_unscoped.filter(source_kind=kind, source_id=source_id).exists():
        raise ValidationError(already)
    service = purchase.service
    try:
        with transaction.atomic():  # a concurrent second review meets the unique constraint
            review = Review.objects_unscoped.create(
                provider_id=service.provider_id,
                service=service,
                person=person,
                source_kind=kind,
                source_id=source_id,
                rating=rating,
                comment=comment,
                created_by=actor.user,
                on_behalf=on_behalf,
            )
    except IntegrityError as exc:
        raise ValidationError(already) from exc
    audit.record(
        actor,
        "marketplace.review_written",
        review,
        organization=service.provider_id,
        person=person,
        after={
            "purchase": f"{kind}:{source_id}",
            "service": service.pk,
            "rating": rating,
            "on_behalf_of": person.fiscal_code if on_behalf else None,
        },
        reason=on_behalf_reason(actor, person, consent) if on_behalf else "",
    )
    provider = service.provider
    notify(
        provider_address(provider),
        "marketplace_review_to_provider",
        {
            "provider": provider.name,
            "service": service.title,
            "link": _absolute(base_url, reverse("marketplace:provider_reviews")),
        },
        organization=provider,
        channels=(EMAIL,),
    )
    return review


@transaction.atomic
def answer_review(actor: Actor, review: Review, *, text: str, base_url: str = "") -> Review:
    """The provider's staff answer a review of one of its services, once."""
    review = _lock(review)
    if not is_provider_staff_of(actor, review.provider_id):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
    if review.answered_at is not None:
        raise ValidationError(_("Ha già risposto a questa recensione: si risponde una volta."))
    text = _limited(text, ANSWER_MAX, "text", empty=_("Scriva la risposta."))
    review.answer = text
    review.answered_at = timezone.now()
    review.answered_by = actor.user
    review.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
    audit.record(
        actor,
        "marketplace.review_answered",
        review,
        organization=review.provider,
        person=review.person,
        after={"answered_at": review.answered_at.isoformat()},
    )
    _notify_answer(review, base_url)
    return review


def _notify_answer(review: Review, base_url: str) -> None:
    """The citizen, in the inbox and by e-mail: the provider answered (not the words)."""
    path = reverse("marketplace:my_reviews")
    context = {
        "provider": review.provider.name,
        "service": review.service.title,
        "link": _absolute(base_url, path),
    }
    person = review.person
    notify(
        person,
        "marketplace_review_answered",
        context,
        organization=review.provider,
        channels=(INAPP,),
        link=path,
    )
    address = person_address(person)
    if address:
        notify(
            address,
            "marketplace_review_answered",
            context,
            organization=review.provider,
            channels=(EMAIL,),
        )


def _require_network_admin(actor: Actor, review: Review) -> None:
    """An administrator of the network the provider belongs to, in that network's role."""
    organization = actor.organization
    network_id = review.provider.network_id
    if (
        network_id is None
        or organization is None
        or organization.kind != OrganizationKind.NETWORK
        or organization.pk != network_id
        or not actor.has_perm(NETWORK_PERMISSION, network_id)
    ):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))


def _moderate(actor: Actor, review: Review, status: str, reason: str, action: str) -> Review:
    review = _lock(review)
    _require_network_admin(actor, review)
    if review.status == status:
        raise ValidationError(
            _("La recensione è già nascosta.")
            if status == ReviewStatus.HIDDEN
            else _("La recensione è già pubblicata.")
        )
    reason = _limited(reason, REASON_MAX, "reason", empty=_("Indichi il motivo."))
    before = {"status": review.status}
    hiding = status == ReviewStatus.HIDDEN
    review.status = status
    review.hidden_reason = reason if hiding else ""
    review.hidden_at = timezone.now() if hiding else None
    review.hidden_by = actor.user if hiding else None
    review.save(update_fields=["status", "hidden_reason", "hidden_at", "hidden_by", "updated_at"])
    audit.record(
        actor,
        action,
        review,
        organization=review.provider.network_id,
        person=review.person,
        before=before,
        after={"status": status, "provider": review.provider_id},
        reason=reason,
    )
    return review


@transaction.atomic
def hide_review(actor: Actor, review: Review, *, reason: str) -> Review:
    """The network hides a review from the public pages and the averages (reason required)."""
    return _moderate(actor, review, ReviewStatus.HIDDEN, reason, "marketplace.review_hidden")


@transaction.atomic
def restore_review(actor: Actor, review: Review, *, reason: str) -> Review:
    """The network publishes a hidden review again (reason required)."""
    return _moderate(actor, review, ReviewStatus.PUBLISHED, reason, "marketplace.review_restored")
