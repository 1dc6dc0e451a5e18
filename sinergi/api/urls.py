from django.urls import path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from . import (analytics, auth, case_parts, cases, estimate, inbox, intake, linkage, notices, people, reference,
               referrals, transfer)
from .errors import NOT_FOUND

# Swagger UI styles its widgets with inline style attributes; scripts still come only from this server.
DOCS_CSP = {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"], "object-src": ["'none'"], "frame-ancestors": ["'none'"], "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request, rest=""):
    """Unknown paths under /api/v1/ answer in JSON like every other API error."""
    from rest_framework.response import Response

    return Response({"detail": NOT_FOUND}, status=404)


C = "cases/<str:case_id>/"
urlpatterns = [
    path("imports/", transfer.ImportListView.as_view(), name="api-imports"),
    path("imports/<uuid:job_id>/", transfer.ImportDetailView.as_view(), name="api-import-detail"),
    path("exports/cases/", transfer.CaseExportView.as_view(), name="api-export-cases"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="api-schema"),
    path("docs/", csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path("me/", auth.MeView.as_view(), name="api-me"),
    path("cases/", cases.CaseListView.as_view(), name="api-case-list"),
    path(C, cases.CaseDetailView.as_view(), name="api-case-detail"),
    path(C + "transition/", cases.CaseTransitionView.as_view(), name="api-case-transition"),
    path(C + "victim-status/", cases.CaseVictimStatusView.as_view(), name="api-case-victim-status"),
    path(C + "services/", case_parts.ServiceListView.as_view(), name="api-case-services"),
    path(C + "services/<str:service_id>/", case_parts.ServiceDetailView.as_view(), name="api-case-service-detail"),
    path(C + "notes/", case_parts.NoteListView.as_view(), name="api-case-notes"),
    path(C + "attachments/", case_parts.AttachmentListView.as_view(), name="api-case-attachments"),
    path(C + "attachments/<str:attachment_id>/download/", case_parts.AttachmentDownloadView.as_view(),
         name="api-case-attachment-download"),
    path(C + "timeline/", case_parts.TimelineView.as_view(), name="api-case-timeline"),
    path(C + "referrals/", referrals.CaseReferralListView.as_view(), name="api-case-referrals"),
    path("referrals/", referrals.ReferralListView.as_view(), name="api-referral-list"),
    path("referrals/<str:referral_id>/status/", referrals.ReferralStatusView.as_view(), name="api-referral-status"),
    path("notices/", notices.NoticeListView.as_view(), name="api-notice-list"),
    path("notices/<str:notice_id>/", notices.NoticeDetailView.as_view(), name="api-notice-detail"),
    path("notices/<str:notice_id>/answers/", notices.NoticeAnswerView.as_view(), name="api-notice-answers"),
    path("notices/<str:notice_id>/close/", notices.NoticeCloseView.as_view(), name="api-notice-close"),
    path("persons/<str:person_id>/", people.PersonDetailView.as_view(), name="api-person-detail"),
    path("persons/<str:person_id>/documents/", people.DocumentListView.as_view(), name="api-person-documents"),
    path("persons/<str:person_id>/family-contacts/", people.FamilyContactListView.as_view(),
         name="api-person-family-contacts"),
    path("persons/<str:person_id>/consents/", people.ConsentListView.as_view(), name="api-person-consents"),
    path("reports/", intake.ReportListView.as_view(), name="api-report-list"),
    path("reports/<str:report_id>/", intake.ReportDetailView.as_view(), name="api-report-detail"),
    path("reports/<str:report_id>/screen/", intake.ReportScreenView.as_view(), name="api-report-screen"),
    path("reports/<str:report_id>/open-case/", intake.ReportOpenCaseView.as_view(), name="api-report-open-case"),
    path("reports/<str:report_id>/link-case/", intake.ReportLinkCaseView.as_view(), name="api-report-link-case"),
    path("inbox/", inbox.InboxListView.as_view(), name="api-inbox"),
    path("inbox/<str:report_id>/", inbox.InboxDetailView.as_view(), name="api-inbox-detail"),
    path("inbox/<str:report_id>/open-case/", inbox.InboxOpenCaseView.as_view(), name="api-inbox-open-case"),
    path("inbox/<str:report_id>/attach/", inbox.InboxAttachView.as_view(), name="api-inbox-attach"),
    path("inbox/<str:report_id>/forward/", inbox.InboxForwardView.as_view(), name="api-inbox-forward"),
    path("inbox/<str:report_id>/close/", inbox.InboxCloseView.as_view(), name="api-inbox-close"),
    path("agencies/", reference.AgencyListView.as_view(), name="api-agency-list"),
    path("agencies/<str:agency>/", reference.AgencyDetailView.as_view(), name="api-agency-detail"),
    path("regions/", reference.RegionListView.as_view(), name="api-region-list"),
    path("countries/", reference.CountryListView.as_view(), name="api-country-list"),
    path("indicators/", reference.IndicatorsView.as_view(), name="api-indicators"),
    path("vocabularies/", reference.VocabulariesView.as_view(), name="api-vocabularies"),
    path("analytics/status/", analytics.StatusView.as_view(), name="api-analytics-status"),
    path("analytics/report/", analytics.ReportView.as_view(), name="api-analytics-report"),
    path("analytics/release/", analytics.ReleaseView.as_view(), name="api-analytics-release"),
    path("analytics/agencies/<str:agency>/", analytics.AgencyFiguresView.as_view(), name="api-analytics-agency"),
    path("analytics/estimate/", estimate.EstimateView.as_view(), name="api-analytics-estimate"),
    path("analytics/<str:section>/", analytics.SectionView.as_view(), name="api-analytics-section"),
    path("linkage/pairs/", linkage.PairListView.as_view(), name="api-linkage-pairs"),
    path("linkage/pairs/<str:pair_id>/", linkage.PairDetailView.as_view(), name="api-linkage-pair"),
    path("linkage/pairs/<str:pair_id>/decision/", linkage.PairDecisionView.as_view(), name="api-linkage-pair-decide"),
    path("linkage/merges/<str:merge_id>/undo/", linkage.MergeUndoView.as_view(), name="api-linkage-merge-undo"),
    path("linkage/partners/", linkage.PartnerListView.as_view(), name="api-linkage-partners"),
    path("linkage/partner-queries/", linkage.PartnerQueryListView.as_view(), name="api-linkage-partner-queries"),
    re_path(r"^(?P<rest>(.*/)?)$", not_found, name="api-not-found"),
]
