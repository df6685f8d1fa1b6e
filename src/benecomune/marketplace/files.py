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


def _served(document, *, inline: bool) -> ServedFile | None:
    """A stored document as core/files.py serves it (None: not found, or no file)."""
    if document is None or not document.file:
        return None
    return ServedFile(
        filename=document.original_name,
        content_type=document.content_type,
        field=document.file,
        inline=inline,
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
    # An uploaded document is never shown inline (only PDFs the platform generates are).
    return _served(evidence, inline=False)


def _provider_picture(model):
    """The staff lookup of a provider's picture (`model` has `provider`): its own staff, or
    the administrators of its network. Re-encoded images, so shown inline."""

    def lookup(actor, pk: int) -> ServedFile | None:
        picture = None
        if _provider_staff(actor):
            picture = model.objects.filter(pk=pk, provider_id=actor.organization.pk).first()
        elif _network_admin(actor):
            picture = model.objects.filter(
                pk=pk, provider__network_id=actor.organization.pk
            ).first()
        return _served(picture, inline=True)

    return lookup


staff_image = _provider_picture(ProviderImage)
staff_service_photo = _provider_picture(ServicePhoto)


def _attachment(attachments, pk: int) -> ServedFile | None:
    return _served(attachments.filter(pk=pk, message__hidden_at=None).first(), inline=False)


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
