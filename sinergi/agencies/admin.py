from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sinergi.audit.admin_base import AuditedAdmin, admin_actor

from .models import Agency, ContactPoint, Membership, Office, User
from .revocation import access_revoked


class RevokesOnDeactivation:
    """Deactivating here has the effect it has through the services: the people concerned lose their API tokens
    at once (the admin's own audit row records the change; the revocation writes its own)."""

    def revoked_users(self, obj) -> list[int]:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            access_revoked(user_ids=self.revoked_users(obj), reason=f"{obj._meta.model_name}_inactive",
                           actor=admin_actor(request))


class OfficeInline(admin.StackedInline):
    model = Office
    extra = 0
    raw_id_fields = ("region",)


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user", "office")


@admin.register(Agency)
class AgencyAdmin(RevokesOnDeactivation, AuditedAdmin):
    list_display = ("code", "name", "type", "level", "country", "region", "is_active", "mfa_required")
    # Switched on the application's page by a system administrator (it also revokes tokens issued without it).
    readonly_fields = ("mfa_required",)
    list_filter = ("type", "level", "is_active")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("country", "region")
    raw_id_fields = ("region", "parent", "peer")
    inlines = [OfficeInline, ContactPointInline, MembershipInline]

    def revoked_users(self, obj):
        return list(obj.memberships.values_list("user_id", flat=True))


@admin.register(Membership)
class MembershipAdmin(RevokesOnDeactivation, AuditedAdmin):
    list_display = ("user", "agency", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "agency__code", "agency__name")
    list_select_related = ("user", "agency")
    raw_id_fields = ("user", "agency", "office")

    def revoked_users(self, obj):
        return [obj.user_id]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ("agency", "office")


@admin.register(User)
class UserAdmin(RevokesOnDeactivation, AuditedAdmin, BaseUserAdmin):
    """Accounts and their memberships. What a user may do comes from memberships, not from the flags here."""

    inlines = [UserMembershipInline]
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_superuser")

    def revoked_users(self, obj):
        return [obj.pk]
