from django.contrib import admin
from django.urls import include, path

from sinergi.exchange import views as exchange_views
from sinergi.public import views as public_views
from sinergi.web.views import account as account_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("sinergi.api.urls")),
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path("publik/", public_views.home, name="public_home"),
    path("publik/cek-lowongan/", public_views.check_offer, name="public_check"),
    path("publik/lapor/", public_views.report, name="public_report"),
    path("publik/lacak/", public_views.track, name="public_track"),
    path("publik/nomor-bantuan/", public_views.hotlines, name="public_hotlines"),
    path(".well-known/jwks.json", exchange_views.jwks, name="jwks"),
    path("exchange/inbox/", exchange_views.inbox, name="exchange_inbox"),
    path("", include("sinergi.web.urls")),
]

# Error pages in the reader's language and the site's layout (``web.views.errors``).
handler400 = "sinergi.web.views.errors.bad_request"
handler403 = "sinergi.web.views.errors.permission_denied"
handler404 = "sinergi.web.views.errors.page_not_found"
handler500 = "sinergi.web.views.errors.server_error"
