from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sinergi.core.admin import AuditedAdmin

from .models import Agency, ContactPoint, Membership, Office, User


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
class AgencyAdmin(AuditedAdmin):
    list_display = ("code", "name", "type", "level", "country", "region", "is_active")
    list_filter = ("type", "level", "is_active")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("country", "region")
    raw_id_fields = ("region", "parent", "peer")
    inlines = [OfficeInline, ContactPointInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "agency", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "agency__code", "agency__name")
    list_select_related = ("user", "agency")
    raw_id_fields = ("user", "agency", "office")


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ("agency", "office")


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    """Accounts and their memberships. What a user may do comes from memberships, not from the flags here."""

    inlines = [UserMembershipInline]
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_superuser")
