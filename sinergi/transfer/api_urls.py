"""API routes for import and export (mounted under /api/v1/ by sinergi.api.urls)."""

urlpatterns: list = []
