"""Administrators tune the risk rules and keep the hotline directory here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sinergi.audit.admin_base import AuditedAdmin

from .models import Hotline, LicenceEvent, PlacementAgency, RiskRule


@admin.register(RiskRule)
class RiskRuleAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "weight", "enabled")
    list_editable = ("weight", "enabled")
    readonly_fields = ("code", "kind")
    search_fields = ("name", "code")


class VerifiedFilter(admin.SimpleListFilter):
    title = _("diperiksa")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("no", _("Belum diperiksa")), ("yes", _("Sudah diperiksa"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(verified_on__isnull=True)
        if self.value() == "yes":
            return queryset.filter(verified_on__isnull=False)
        return queryset


@admin.register(Hotline)
class HotlineAdmin(AuditedAdmin):
    """The hotline directory. Shipped entries come unverified: check each number against the office's own published
    one, correct it, and set the date it was checked. Numbers are refused unless well formed (and never a
    placeholder); every change is audited."""

    list_display = ("name", "phone", "whatsapp", "province", "country", "national", "verified_on")
    list_filter = (VerifiedFilter, "national", "country")
    search_fields = ("name", "name_en", "phone")
    raw_id_fields = ("province", "country")
    fields = ("name", "name_en", "phone", "whatsapp", "email", "hours", "hours_en", "national", "country", "province",
              "verified_on")


class LicenceEventInline(admin.TabularInline):
    model = LicenceEvent
    extra = 0


@admin.register(PlacementAgency)
class PlacementAgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "licence_number")
    search_fields = ("name", "licence_number")
    inlines = [LicenceEventInline]
    exclude = ("name_key",)
