"""Django admin, for platform administrators only (superusers). Audit events are read-only."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from benecomune.core.auth import ThrottledLoginFormMixin
from benecomune.core.models import (
    ApiToken,
    AuditEvent,
    Company,
    Household,
    HouseholdMember,
    Membership,
    Municipality,
    Network,
    Person,
    Provider,
    User,
)
from benecomune.core.services.tokens import announce_token_change


class ThrottledAdminAuthenticationForm(ThrottledLoginFormMixin, AdminAuthenticationForm):
    """The admin's login is throttled by the same backend as the site's (core/auth.py)."""


class SuperuserOnlyAdminSite(admin.AdminSite):
    login_form = ThrottledAdminAuthenticationForm

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


admin.site.__class__ = SuperuserOnlyAdminSite


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "actor_role", "organization", "action", "object_repr")
    list_filter = ("action", "actor_role")
    search_fields = ("object_repr", "action", "actor__email", "person__fiscal_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "person")}),
        ("Stato", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)
    raw_id_fields = ("person",)
    inlines = [MembershipInline]
    filter_horizontal = ()
    list_filter = ("is_active", "is_staff")


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0
    raw_id_fields = ("person",)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("pk", "municipality", "address")
    inlines = [HouseholdMemberInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("fiscal_code", "last_name", "first_name", "residence")
    search_fields = ("fiscal_code", "last_name")


admin.site.register([Network, Municipality, Company, Provider])


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "prefix", "created_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash")

    # A token changed or deleted here must stop working on every worker at once, as one
    # revoked through its page does (core/services/tokens.py).
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            announce_token_change()

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            announce_token_change()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            announce_token_change()
