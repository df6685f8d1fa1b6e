"""A shop's promotions: written as a draft (title, plain text, dates, an optional image
checked like the profile's), published by its staff, withdrawn when no longer wanted. The
public sees only published offers within their dates (`current`)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.marketplace.lifecycles import PROMOTION
from benecomune.marketplace.models import Promotion, PromotionStatus
from benecomune.marketplace.services.common import clean_line, clean_text
from benecomune.marketplace.services.districts import require_shop_staff
from benecomune.marketplace.services.images import PHOTO_EDGE, prepare_image

TEXT_MAX = 2000
TITLE_MAX = 120
MAX_DAYS = 366


def _clean(data: dict, today: datetime.date) -> dict:
    errors: dict[str, list[str]] = {}
    title = clean_line(data.get("title", ""), TITLE_MAX)
    text = clean_text(data.get("text", ""))
    start, end = data.get("valid_from"), data.get("valid_until")
    if not title:
        errors["title"] = [_("Dia un titolo all'offerta.")]
    if len(text) > TEXT_MAX:
        errors["text"] = [_("Il testo è lungo al massimo %(n)s caratteri.") % {"n": TEXT_MAX}]
    if start is None:
        errors["valid_from"] = [_("Indichi da quando vale l'offerta.")]
    if end is None:
        errors["valid_until"] = [_("Indichi fino a quando vale l'offerta.")]
    if start and end:
        if end < start:
            errors["valid_until"] = [_("La fine dell'offerta non può venire prima dell'inizio.")]
        elif (end - start).days >= MAX_DAYS:
            errors["valid_until"] = [_("Un'offerta dura al massimo un anno.")]
        elif end < today:
            errors["valid_until"] = [_("L'offerta è già finita: indichi date future.")]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "text": text,
        "valid_from": start,
        "valid_until": end,
        "image_alt": clean_line(data.get("image_alt", ""), 200),
    }


def _attach(promotion: Promotion, uploaded) -> None:
    prepared = prepare_image(uploaded, max_edge=PHOTO_EDGE)
    old_name, storage = promotion.image.name, promotion.image.storage
    promotion.image_type = prepared.content_type
    promotion.image_width, promotion.image_height = prepared.width, prepared.height
    promotion.image.save(
        stored_name(f"x.{prepared.extension}"), ContentFile(prepared.content), save=False
    )
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))


def _snapshot(promotion: Promotion) -> dict:
    return {
        "title": promotion.title,
        "text": promotion.text,
        "valid_from": str(promotion.valid_from),
        "valid_until": str(promotion.valid_until),
        "image": promotion.image.name or "",
    }


@transaction.atomic
def create_promotion(
    actor: Actor, provider, *, image=None, today: datetime.date | None = None, **data
) -> Promotion:
    """A draft offer. Nothing is saved unless every field (and the image) is valid."""
    require_shop_staff(actor, provider)
    clean = _clean(data, today or timezone.localdate())
    promotion = Promotion(provider=provider, created_by=actor.user, **clean)
    if image is not None:
        _attach(promotion, image)
    promotion.save()
    audit.record(
        actor,
        "marketplace.promotion_created",
        promotion,
        organization=provider,
        after=_snapshot(promotion),
    )
    return promotion


@transaction.atomic
def update_promotion(
    actor: Actor, promotion: Promotion, *, image=None, today: datetime.date | None = None, **data
) -> Promotion:
    """Change a draft or a published offer (a withdrawn one stays as it was)."""
    promotion = Promotion.objects_unscoped.select_for_update().get(pk=promotion.pk)
    require_shop_staff(actor, promotion.provider)
    if promotion.status == PromotionStatus.WITHDRAWN:
        raise ValidationError(_("L'offerta è stata ritirata: ne crei una nuova."))
    clean = _clean(data, today or timezone.localdate())
    before = _snapshot(promotion)
    for field, value in clean.items():
        setattr(promotion, field, value)
    if image is not None:
        _attach(promotion, image)
    promotion.save()
    after = _snapshot(promotion)
    if after != before:
        audit.record(
            actor,
            "marketplace.promotion_updated",
            promotion,
            organization=promotion.provider_id,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return promotion


@transaction.atomic
def publish_promotion(
    actor: Actor, promotion: Promotion, *, today: datetime.date | None = None
) -> Promotion:
    """Publish a draft: it shows on the district's pages from its first day to its last."""
    promotion = Promotion.objects_unscoped.select_for_update().get(pk=promotion.pk)
    require_shop_staff(actor, promotion.provider)
    today = today or timezone.localdate()
    if promotion.valid_until < today:
        raise ValidationError(
            {"valid_until": [_("L'offerta è già finita: cambi le date prima di pubblicarla.")]}
        )
    promotion.published_at = timezone.now()
    PROMOTION.apply(actor, promotion, PromotionStatus.PUBLISHED, extra_fields=["published_at"])
    return promotion


@transaction.atomic
def withdraw_promotion(actor: Actor, promotion: Promotion) -> Promotion:
    promotion = Promotion.objects_unscoped.select_for_update().get(pk=promotion.pk)
    require_shop_staff(actor, promotion.provider)
    promotion.withdrawn_at = timezone.now()
    PROMOTION.apply(actor, promotion, PromotionStatus.WITHDRAWN, extra_fields=["withdrawn_at"])
    return promotion


def current(provider_ids, *, on: datetime.date | None = None):
    """Published offers valid on `on` (today) of the given shops: what the public sees."""
    on = on or timezone.localdate()
    return Promotion.objects_unscoped.filter(
        provider_id__in=[getattr(p, "pk", p) for p in provider_ids],
        status=PromotionStatus.PUBLISHED,
        valid_from__lte=on,
        valid_until__gte=on,
    ).order_by("valid_until", "pk")
