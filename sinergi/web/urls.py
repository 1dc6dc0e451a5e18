from django.urls import path

from .views import auth, cases, exchange, home, intake, notices, recruitment, referrals, users

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/set/<uidb64>/<token>/", users.PasswordSetView.as_view(), name="password_set"),
    path("users/", users.user_list, name="users"),
    path("users/memberships/<uuid:membership_id>/", users.membership_update, name="membership_update"),
    path("intake/", intake.intake, name="intake"),
    path("exchange/", exchange.exchange, name="exchange"),
    path("recruitment/", recruitment.overview, name="recruitment"),
    path("recruitment/import/", recruitment.registry_upload, name="registry_import"),
    path("recruitment/agencies/<str:agency_id>/", recruitment.agency_detail, name="recruitment_agency"),
    path("recruitment/recruiters/<str:recruiter_id>/", recruitment.recruiter_detail, name="recruitment_recruiter"),
    path("performance/", exchange.performance, name="performance"),
    path("regions/options/", intake.region_options, name="region_options"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<str:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<str:case_id>/transition/", cases.case_transition, name="case_transition"),
    path("cases/<str:case_id>/notes/", cases.note_add, name="case_note"),
    path("cases/<str:case_id>/reveal/", cases.reveal, name="case_reveal"),
    path("cases/<str:case_id>/referrals/", referrals.referral_send, name="case_referral"),
    path("referrals/<str:referral_id>/answer/", referrals.referral_answer, name="referral_answer"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<uuid:notice_id>/", notices.notice_detail, name="notice_detail"),
    path("notices/<uuid:notice_id>/answers/", notices.notice_answer, name="notice_answer"),
    path("notices/<uuid:notice_id>/answers/<uuid:answer_id>/referral/", notices.notice_answer_refer,
         name="notice_answer_refer"),
    path("notices/<uuid:notice_id>/close/", notices.notice_close, name="notice_close"),
    path("notices/<uuid:notice_id>/photo/", notices.notice_photo, name="notice_photo"),
    path("cases/<str:case_id>/services/", cases.service_add, name="case_service"),
    path("cases/<str:case_id>/attachments/", cases.attachment_upload, name="case_attachment"),
    path("cases/<str:case_id>/attachments/<str:attachment_id>/", cases.attachment_download, name="case_attachment_download"),
]
