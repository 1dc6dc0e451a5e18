from django.contrib import admin

from sinergi.audit.admin_base import AuditedReadAdmin

from .models import Person


@admin.register(Person)
class PersonAdmin(AuditedReadAdmin):
    """Least privilege: no name, identity document, contact or address; documents, family contacts, aliases and
    consent are not registered at all. The application shows those, masked, to the roles that need them."""

    fields = ("id", "sex", "estimated_age", "citizenship", "origin_province", "origin_regency", "deceased",
              "created_at", "updated_at")
    list_display = ("id", "sex", "estimated_age", "citizenship", "origin_province", "deceased", "created_at")
    list_filter = ("sex", "deceased")
    list_select_related = ("citizenship", "origin_province")
    show_full_result_count = False
