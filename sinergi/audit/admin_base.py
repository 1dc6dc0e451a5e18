"""Django's admin, for superusers only (the base classes every app's ``admin.py`` uses; here, beside the audit
log every change made through it is written to): reference data and agencies, and read-only views of the rest.

Day-to-day work goes through the application (services, permissions, masking); the admin is a staff tool.
Changes made here are written to the audit log like any other write, and personal data that the application
masks (identity numbers, contacts, addresses, names) is not shown at all.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from .enums import Action
from .services import Actor, Entry, audit_log, audit_log_many


def _superusers_only(request) -> bool:
    # The admin bypasses agency memberships, so it is not for staff accounts that merely have is_staff.
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only
admin.site.site_header = "Sinergi: administrasi / administration"
admin.site.site_title = "Sinergi admin"


def admin_actor(request) -> Actor:
    return Actor(user_id=request.user.pk, username=request.user.get_username(), role="admin")


def _object_type(obj) -> str:
    return obj._meta.label_lower.split(".", 1)[1]


class AuditedAdmin(admin.ModelAdmin):
    """Every addition, change and deletion made in the admin writes an audit row in the same transaction
    (the admin's views run in one; these hooks are called inside it). The bulk "delete selected" action is off:
    it logs and deletes outside one transaction."""

    actions = None

    def log_addition(self, request, obj, message):
        audit_log(actor=admin_actor(request), action=Action.CREATE, object_type=_object_type(obj), object_id=obj.pk,
                  purpose="admin", detail={"message": message})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_log(actor=admin_actor(request), action=Action.UPDATE, object_type=_object_type(obj), object_id=obj.pk,
                  purpose="admin", detail={"message": message})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        objs = list(queryset)
        with transaction.atomic():
            audit_log_many(actor=admin_actor(request), entries=[
                Entry(Action.DELETE, _object_type(o), str(o.pk), "admin") for o in objs])
        return super().log_deletions(request, objs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: rows of these tables change only through the application's services."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [f.name for f in self.model._meta.fields]


class _Labelled:
    """The object as the change page sees it, but shown by ``label`` instead of ``str(obj)`` (which may be a name)."""

    def __init__(self, obj, label: str):
        self._obj, self._label = obj, label

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def __str__(self) -> str:
        return self._label


class AuditedReadAdmin(ReadOnlyAdmin):
    """Read-only, and opening one record is an audited read. Titles and breadcrumbs use ``object_label``, never
    ``str(obj)``, and the change history page (which prints ``str(obj)``) is closed."""

    def object_label(self, obj) -> str:
        return f"{self.opts.verbose_name} {obj.pk}"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            label = self.object_label(obj)
            context["subtitle"] = label
            context["original"] = _Labelled(obj, label)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            with transaction.atomic():
                audit_log(actor=admin_actor(request), action=Action.READ, object_type=_object_type(obj),
                          object_id=obj.pk, purpose="admin")
        return super().change_view(request, object_id, form_url, extra_context)
