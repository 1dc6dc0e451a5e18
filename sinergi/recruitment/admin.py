"""Administrators tune the risk rules and keep the hotline directory here."""

from django.contrib import admin

from .models import Hotline, LicenceEvent, PlacementAgency, RiskRule


@admin.register(RiskRule)
class RiskRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "weight", "enabled")
    list_editable = ("weight", "enabled")
    readonly_fields = ("code", "kind")
    search_fields = ("name", "code")


@admin.register(Hotline)
class HotlineAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "whatsapp", "province", "country", "national")
    list_filter = ("national",)
    search_fields = ("name", "phone")
    autocomplete_fields = ()
    raw_id_fields = ("province", "country")


class LicenceEventInline(admin.TabularInline):
    model = LicenceEvent
    extra = 0


@admin.register(PlacementAgency)
class PlacementAgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "licence_number")
    search_fields = ("name", "licence_number")
    inlines = [LicenceEventInline]
    exclude = ("name_key",)
