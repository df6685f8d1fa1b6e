"""The public list of Welfare Points: where they are and when they are open (no map)."""

from django.shortcuts import render

from benecomune.desk.models import WelfarePoint


def point_directory(request):
    points = (
        WelfarePoint.objects_unscoped.filter(
            is_public=True, is_active=True, organization__is_active=True
        )
        .select_related("municipality", "organization")
        .order_by("municipality__name", "name")
    )
    return render(request, "desk/public/points.html", {"points": points})
