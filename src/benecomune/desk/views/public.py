"""The public list of Welfare Points: where they are and when they are open (no map)."""

from django.shortcuts import render

from benecomune.desk.access import public_points


def point_directory(request):
    return render(request, "desk/public/points.html", {"points": public_points()})
