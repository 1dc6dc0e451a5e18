"""Sign-in lockout (django-axes) for sign-ins that come with a request.

Programmatic authentication without a request (a management command, the test client) has no address or
session to lock and is not exposed to guessing, so it passes through to the next backend.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
