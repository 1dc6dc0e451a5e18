from django.contrib import admin

from sinergi.audit.admin_base import AuditedReadAdmin

from .models import Case


@admin.register(Case)
class CaseAdmin(AuditedReadAdmin):
    """Least privilege: the survivor appears by id only; no travel document number and no free-text summary."""

    fields = ("reference", "external_id", "lead_agency", "survivor_id", "stage", "stage_entered_at", "outcome",
              "previous_case", "reported_on", "closed_at", "victim_status", "victim_status_decided_by",
              "victim_status_decided_on", "exploitation_types", "primary_exploitation", "country_of_exploitation",
              "origin_province", "origin_regency", "created_at", "updated_at")
    list_display = ("reference", "lead_agency", "stage", "victim_status", "primary_exploitation",
                    "country_of_exploitation", "origin_province", "reported_on", "outcome")
    list_filter = ("stage", "victim_status", "outcome")
    search_fields = ("=reference", "=external_id")
    list_select_related = ("lead_agency", "country_of_exploitation", "origin_province")
    ordering = ("-reported_on",)
    show_full_result_count = False

    def object_label(self, obj) -> str:
        return obj.reference
