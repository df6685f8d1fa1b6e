from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "benecomune.bookings"
    label = "bookings"
    verbose_name = _("Prenotazioni e ordini")

    def ready(self):
        from benecomune.bookings.purchase_source import (
            ORDER_SOURCE,
            orders_of_person,
            resolve_order,
        )
        from benecomune.core.registry import load_modules
        from benecomune.marketplace.purchases import register_purchase_source
        from benecomune.payments import fake_hosted

        # Orders: navigation entries, the lifecycle's audit labels, the API routes; the agenda's
        # navigation entry and audit labels.
        load_modules(
            self,
            (
                "order_nav",
                "order_lifecycle",
                "api_orders",
                "api_bookings",
                "api_citizen",
                "services.booking_walk_in",
                "nav_agenda",
                "booking_lifecycle",
                "booking_nav",
                "booking_purchases",
                "dashboard",
            ),
        )
        # The local fake payment provider with a hosted page (demo and tests).
        fake_hosted.install()
        # The bookings' .ics files go with their e-mails (core notifications' attachers).
        from benecomune.bookings.services import booking_calendar  # noqa: F401

        # An order paid wholly at the provider is reviewable once delivered (others through
        # their payment intent).
        register_purchase_source(ORDER_SOURCE, resolve_order, orders_of_person)
