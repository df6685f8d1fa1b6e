"""The public read behind the API's free slots: a published service's booking rules, found
across tenants on purpose (the catalogue is public), None for a service that is not offered."""

from benecomune.bookings.models import ServiceSchedule
from benecomune.bookings.services import agenda_reads
from benecomune.marketplace.models import Service
from benecomune.marketplace.services.offer import visible_services


def public_schedule(service_pk: int) -> ServiceSchedule | None:
    """Call inside `all_tenants()` (the rules' resources are read with scoped managers)."""
    service = Service.objects_unscoped.select_related("provider").filter(pk=service_pk).first()
    if service is None or not visible_services(service.provider).filter(pk=service.pk).exists():
        return None
    return agenda_reads.schedule_of(service)
