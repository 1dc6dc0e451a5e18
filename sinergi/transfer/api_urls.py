"""API routes for import and export (mounted under /api/v1/ by sinergi.api.urls)."""

from django.urls import path

from . import api

urlpatterns = [
    path("imports/", api.ImportListView.as_view(), name="api-imports"),
    path("imports/<uuid:job_id>/", api.ImportDetailView.as_view(), name="api-import-detail"),
    path("exports/cases/", api.CaseExportView.as_view(), name="api-export-cases"),
]
