from django.urls import include, path

urlpatterns = [
    path("", include("sinergi.transfer.api_urls")),
]
