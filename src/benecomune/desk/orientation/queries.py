"""Reading stored orientations: a case's (its operators' page, checked by the caller) and a
person's own (their area). Items come with `item_list` and their needs prefetched."""

from django.db.models import Prefetch

from benecomune.desk.models import NeedOutcome, Orientation, OrientationItem


def _with_items(rows):
    items = OrientationItem.objects_unscoped.prefetch_related("needs").order_by("position", "pk")
    return rows.prefetch_related(Prefetch("items", queryset=items, to_attr="item_list"))


def case_orientations(case):
    return _with_items(Orientation.objects_unscoped.filter(case=case))


def case_outcomes(case):
    return NeedOutcome.objects_unscoped.filter(case=case).select_related("need")


def person_orientations(person_id):
    rows = Orientation.objects_unscoped.filter(person_id=person_id).select_related("case__point")
    return _with_items(rows)


def orientation_items(orientation):
    return list(
        OrientationItem.objects_unscoped.filter(orientation=orientation)
        .prefetch_related("needs")
        .order_by("position", "pk")
    )


def bookable_services(suggestions) -> set[int]:
    """The suggested catalogue services that have booking rules (an agenda to book a slot)."""
    from benecomune.bookings.models import ServiceSchedule
    from benecomune.desk.models import SuggestionKind

    ids = [s.object_id for s in suggestions if s.kind == SuggestionKind.SERVICE]
    rows = ServiceSchedule.objects_unscoped.filter(service_id__in=ids)
    return set(rows.values_list("service_id", flat=True))
