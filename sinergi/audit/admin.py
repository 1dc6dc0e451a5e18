from django.contrib import admin

from .admin_base import ReadOnlyAdmin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The log is append-only: no adding, changing or deleting here (``sinergi audit verify`` would notice)."""

    list_display = ("seq", "at", "username", "role", "agency_id", "action", "object_type", "object_id", "purpose")
    list_filter = ("action", "object_type")
    search_fields = ("=username", "=object_id")
    ordering = ("-seq",)
    date_hierarchy = "at"
    show_full_result_count = False
