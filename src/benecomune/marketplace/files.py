"""Who may see the marketplace's files (served by core/files.py): the documents of an
accreditation, the provider's images, its services' photos, its promotions' images and the
attachments of messages (the thread's two parties only). The provider's staff see their own
(scoped by the provider), the accrediting network's administrators those of its requests
(scoped by the network); anyone else, and another provider, gets a 404."""

from benecomune.core.files import ServedFile, register_file_kind
from benecomune.marketplace.models import (
    AccreditationEvidence,
    MessageAttachment,
    Promotion,
    ProviderImage,
    ServicePhoto,
)
from benecomune.marketplace.services.common import NETWORK_PERMISSION, PROVIDER_PERMISSIONS


def _provider_staff(actor) -> bool:
    return any(actor.has_perm(p) for p in PROVIDER_PERMISSIONS) and (
        actor.organization is not None and actor.organization.kind == "provider"
    )


def _network_admin(actor) -> bool:
    return actor.has_perm(NETWORK_PERMISSION) and (
        actor.organization is not None and actor.organization.kind == "network"
    )


def staff_evidence(actor, pk: int) -> ServedFile | None:
    evidence = None
    if _provider_staff(actor):
        evidence = AccreditationEvidence.objects.filter(
            pk=pk, accreditation__provider_id=actor.organization.pk
        ).first()
    elif _network_admin(actor):
        evidence = AccreditationEvidence.for_network.filter(
            pk=pk, accreditation__network_id=actor.organization.pk
        ).first()
    if evidence is None or not evidence.file:
        return None
    return ServedFile(
        filename=evidence.original_name,
        content_type=evidence.content_type,
        field=evidence.file,
        # An uploaded document is never shown inline (only PDFs the platform generates are).
        inline=False,
    )


def staff_image(actor, pk: int) -> ServedFile | None:
    image = None
    if _provider_staff(actor):
        image = ProviderImage.objects.filter(pk=pk, provider_id=actor.organization.pk).first()
    elif _network_admin(actor):
        image = ProviderImage.objects.filter(
            pk=pk, provider__network_id=actor.organization.pk
        ).first()
    if image is None or not image.file:
        return None
    return ServedFile(
        filename=image.original_name,
        content_type=image.content_type,
        field=image.file,
        inline=True,
    )


def staff_service_photo(actor, pk: int) -> ServedFile | None:
    photo = None
    if _provider_staff(actor):
        photo = ServicePhoto.objects.filter(pk=pk, provider_id=actor.organization.pk).first()
    elif _network_admin(actor):
        photo = ServicePhoto.objects.filter(
            pk=pk, provider__network_id=actor.organization.pk
        ).first()
    if photo is None or not photo.file:
        return None
    return ServedFile(
        filename=photo.original_name,
        content_type=photo.content_type,
        field=photo.file,
        inline=True,
    )


def _attachment(attachments, pk: int) -> ServedFile | None:
    attachment = attachments.filter(pk=pk, message__hidden_at=None).first()
    if attachment is None or not attachment.file:
        return None
    return ServedFile(
        filename=attachment.original_name,
        content_type=attachment.content_type,
        field=attachment.file,
        inline=False,
    )


def staff_attachment(actor, pk: int) -> ServedFile | None:
    """A message's attachment: the thread's provider's staff only (not the network)."""
    if not _provider_staff(actor):
        return None
    return _attachment(
        MessageAttachment.objects.filter(message__thread__provider_id=actor.organization.pk), pk
    )


def citizen_attachment(actor, pk: int) -> ServedFile | None:
    """A message's attachment: the thread's citizen only. Their own threads whatever the
    network (a citizen who moved keeps them): the person filter is the scope."""
    return _attachment(
        MessageAttachment.objects_unscoped.filter(message__thread__person_id=actor.user.person_id),
        pk,
    )


register_file_kind("marketplace-evidence", staff=staff_evidence)
register_file_kind("marketplace-message", staff=staff_attachment, citizen=citizen_attachment)
register_file_kind("marketplace-image", staff=staff_image)


def staff_promotion_image(actor, pk: int) -> ServedFile | None:
    """The image of one of the shop's own promotions, whatever its status."""
    promotion = None
    if _provider_staff(actor):
        promotion = Promotion.objects.filter(pk=pk, provider_id=actor.organization.pk).first()
    if promotion is None or not promotion.image:
        return None
    return ServedFile(
        filename=f"offerta-{promotion.pk}.{promotion.image.name.rsplit('.', 1)[-1]}",
        content_type=promotion.image_type,
        field=promotion.image,
        inline=True,
    )


register_file_kind("marketplace-promotion", staff=staff_promotion_image)
register_file_kind("marketplace-service-photo", staff=staff_service_photo)
