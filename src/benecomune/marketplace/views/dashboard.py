"""The provider's dashboard (/gestione/fornitore/): services, accreditation, documents
expiring, messages and revenue by wallet kind for a period (`?periodo=`), of the active role's
provider only (`services.dashboard` reads with an explicit filter on it)."""

from django.shortcuts import render
from django.utils import timezone

from benecomune.marketplace.dashboard_sections import sections_for
from benecomune.marketplace.services import dashboard as services
from benecomune.marketplace.views.common import provider_page


@provider_page
def dashboard(request, provider):
    board = services.dashboard(request.actor, provider, request.GET.get("periodo", ""))
    return render(
        request,
        "marketplace/provider/dashboard.html",
        {
            "provider": provider,
            "board": board,
            "period": board.revenue.period,
            "periods": list(services.PERIODS.items()),
            "window_days": services.EXPIRY_WINDOW_DAYS,
            # Figures of the apps built on the marketplace (bookings, orders).
            "sections": sections_for(provider, timezone.localdate()),
        },
    )
