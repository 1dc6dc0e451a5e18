from django.contrib import admin

from sinergi.core.admin import AuditedReadAdmin

from .models import Report, ReportRoute


@admin.register(Report)
class ReportAdmin(AuditedReadAdmin):
    """Least privilege: no reporter name, relation or contact, no narrative, no location and no subject."""

    fields = ("id", "channel", "received_at", "agency", "status", "case", "country_of_exploitation", "created_at")
    list_display = ("received_at", "channel", "agency", "status", "case", "country_of_exploitation")
    list_filter = ("channel", "status")
    list_select_related = ("agency", "case", "country_of_exploitation")
    ordering = ("-received_at",)
    show_full_result_count = False


@admin.register(ReportRoute)
class ReportRouteAdmin(admin.ModelAdmin):
    """The task force's procedure for reports of village and district offices: which agency receives them, per
    regency or province. No personal data."""

    list_display = ("region", "agency", "note")
    list_select_related = ("region", "agency")
    raw_id_fields = ("region",)
    search_fields = ("region__name", "agency__name", "note")
