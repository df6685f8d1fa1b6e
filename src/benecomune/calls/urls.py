"""URLs of the calls app: each area keeps its own list (urls_<area>.py)."""

from importlib import import_module

app_name = "calls"

urlpatterns = []
for _area in ("definition", "applications", "review", "ranking", "paper", "public"):
    try:
        urlpatterns += import_module(f"benecomune.calls.urls_{_area}").urlpatterns
    except ModuleNotFoundError as exc:
        if exc.name != f"benecomune.calls.urls_{_area}":
            raise
