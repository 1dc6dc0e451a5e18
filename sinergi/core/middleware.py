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
