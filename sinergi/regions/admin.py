from django.contrib import admin

from sinergi.audit.admin_base import ReadOnlyAdmin

from .models import Country, Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    """Loaded from the shipped Kemendagri files (``load_reference``); corrected there, not here."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    show_full_result_count = False  # 90,000 rows: skip the second count


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ("code", "alpha3", "name", "name_id")
    search_fields = ("code", "alpha3", "name", "name_id")
