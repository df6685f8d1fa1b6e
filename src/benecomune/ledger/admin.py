"""Read-only admin views for platform administrators: money moves only through services."""

from django.contrib import admin

from benecomune.ledger.models import Account, Fund, Reservation, Transfer, Wallet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "kind", "organization", "balance", "held"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "kind", "debit_account", "credit_account", "amount"]
    list_filter = ["kind"]
    search_fields = ["idempotency_key", "object_id"]


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "origin", "valid_until"]


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ["title", "person", "organization", "source_kind", "valid_until"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["id", "account", "amount", "consumed", "released", "object_type"]
