from django.contrib import admin

from sinergi.audit.admin_base import AuditedReadAdmin

from .models import Report


@admin.register(Report)
class ReportAdmin(AuditedReadAdmin):
    """Least privilege: no reporter name, relation or contact, no narrative, no location and no subject."""

    fields = ("id", "channel", "received_at", "agency", "status", "case", "country_of_exploitation", "created_at")
    list_display = ("received_at", "channel", "agency", "status", "case", "country_of_exploitation")
    list_filter = ("channel", "status")
    list_select_related = ("agency", "case", "country_of_exploitation")
    ordering = ("-received_at",)
    show_full_result_count = False
