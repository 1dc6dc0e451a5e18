"""Response headers every answer of the app carries: Server-Timing (how long the app took, for benchmarks and
browser dev tools) and no-store (nothing with personal data in a cache)."""

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` and ``Pragma: no-cache`` on every response the application makes.

    Pages, API answers, exports, attachments and downloads carry personal data, and field offices share browsers
    (and sometimes a caching proxy): nothing of it may be kept on disk or shown again with the back button after
    signing out. Installed below WhiteNoise, which answers for the static files itself, so styles, scripts and
    icons stay cacheable. A response that already forbids storing keeps its own, stricter header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


class InstanceLanguageMiddleware:
    """Django's LocaleMiddleware without the browser's Accept-Language: a visitor who is not signed in reads the
    language they chose with the switch (its cookie), else the instance's own (``LANGUAGE_CODE``, Indonesian
    unless the instance says otherwise). A shared office browser set to English must not decide for the staff.
    An API client that is not signed in (asking for a token, or refused one) may ask for its language with
    Accept-Language: a program sets it on purpose; a signed-in user's own language wins over it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        if request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def activate_user_language(user) -> None:
    """Speak the signed-in user's own language, saved on their account (``preferred_language``)."""
    from django.conf import settings
    from django.utils import translation

    language = getattr(user, "preferred_language", "") or ""
    if language in dict(settings.LANGUAGES):
        translation.activate(language)


class UserLanguageMiddleware:
    """After authentication: a signed-in user reads their own language, in every browser they use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_user_language(user)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if "Content-Language" in response.headers:
            response.headers["Content-Language"] = translation.get_language()
        return response


class SessionRefreshMiddleware:
    """The idle timeout, kept by a refresh of the session at most once a minute. Right below Django's
    SessionMiddleware (which saves what is marked modified on the way out, and whose presence Django's deployment
    checks look for).

    A session lives ``SESSION_COOKIE_AGE`` after it was last saved: an unattended screen signs out. Saving it on
    every request (``SESSION_SAVE_EVERY_REQUEST``) wrote the session row on every page, an UPDATE and a commit
    beside the page's own work; here a request that read a session saves it again (and sends the cookie) only when
    the last save is ``SESSION_REFRESH_SECONDS`` old, so the timeout counts from the last activity give or take that
    much. A view that must not extend the session (a page that reloads itself) replaces ``request.session.save``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(REFRESHED_KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now  # marks the session modified: SessionMiddleware saves it
        return response


#: When the session was last saved by ``IdleSessionMiddleware`` (seconds since the epoch).
REFRESHED_KEY = "_sinergi_refreshed"
