"""Error pages in the reader's language, with the site's layout (and its menu for a signed-in user). Under
``/api/`` the answer stays JSON. The 500 page is rendered carefully: whatever broke (the database, a template)
must not break the error page too, so it falls back to a page without the menu."""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _texts(status: int) -> tuple[str, str]:
    return {
        400: (_("Permintaan tidak dapat diproses"),
              _("Isian atau alamat yang dikirim tidak lengkap atau tidak sah. Kembali dan coba lagi.")),
        403: (_("Tidak diizinkan"),
              _("Anda tidak boleh melakukan ini. Bila formulir sudah lama terbuka, muat ulang halaman lalu coba lagi.")),
        404: (_("Halaman tidak ditemukan"),
              _("Halaman ini tidak ada, atau tidak dibagikan kepada lembaga Anda.")),
        429: (_("Terlalu banyak permintaan"),
              _("Mohon tunggu sebentar lalu coba lagi.")),
        500: (_("Terjadi kesalahan pada sistem"),
              _("Kesalahan sudah dicatat. Coba lagi sebentar lagi; bila berulang, hubungi administrator.")),
    }[status]


def _page(request, status: int):
    title, text = _texts(status)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text, "code": f"http_{status}"}, status=status)
    return render(request, "web/error.html", {"status": status, "title": title, "text": text}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def too_many_requests(request, exception=None):
    return _page(request, 429)


def csrf_failure(request, reason=""):
    return _page(request, 403)


def server_error(request):
    title, text = _texts(500)
    try:
        return _page(request, 500)
    except Exception:  # noqa: BLE001 - the error page must answer whatever else is broken
        logger.exception("the error page could not be rendered")
        return HttpResponse(
            f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{escape(title)}</title></head>'
            f"<body><h1>{escape(title)}</h1><p>{escape(text)}</p><p><a href=\"/\">Sinergi</a></p></body></html>",
            status=500, content_type="text/html; charset=utf-8")
