from django.contrib import admin
from django.urls import include, path

from sinergi.exchange import views as exchange_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("sinergi.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(".well-known/jwks.json", exchange_views.jwks, name="jwks"),
    path("exchange/inbox/", exchange_views.inbox, name="exchange_inbox"),
    path("", include("sinergi.web.urls")),
]
