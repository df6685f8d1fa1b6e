from django.contrib import admin
from django.urls import include, path

from benecomune.api.main import api

handler403 = "benecomune.core.views.errors.forbidden"
handler404 = "benecomune.core.views.errors.not_found"
handler500 = "benecomune.core.views.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("benecomune.ledger.urls")),
    path("", include("benecomune.calls.urls")),
    path("", include("benecomune.vouchers.urls")),
    path("", include("benecomune.payouts.urls")),
    path("", include("benecomune.marketplace.urls")),
    path("", include("benecomune.bookings.urls")),
    path("", include("benecomune.identity.urls")),
    path("", include("benecomune.corporate.urls")),
    path("", include("benecomune.desk.urls")),
    path("", include("benecomune.observatory.urls")),
    # The core app holds the catch-all public pages under a Comune's slug: keep it last.
    path("", include("benecomune.core.urls")),
]
# Nothing under MEDIA_ROOT is served directly, in any mode (not even with DEBUG): every file
# goes through core's checked file view (core/files.py).
