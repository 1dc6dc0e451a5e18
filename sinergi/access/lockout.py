"""Sign-in lockout by username and by address, each with its own limit (django-axes' database handler).

django-axes counts failures for each lockout parameter (``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``)
and locks when any count reaches the one ``AXES_FAILURE_LIMIT``. Here the address has its own, higher limit
(``SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT``): the staff of a field office share one address behind NAT, while one
address guessing over many usernames must still be stopped. And a successful sign-in forgives only that user's
own failures, never the address's: otherwise anyone with an account could reset the address count between guesses.

Wrong two-factor codes are failures like wrong passwords (``record_failure``).
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum


def _limit(parameter) -> int:
    if parameter == "ip_address":
        return int(getattr(settings, "SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT", settings.AXES_FAILURE_LIMIT))
    return int(settings.AXES_FAILURE_LIMIT)


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures that count against the lock, on the scale of ``AXES_FAILURE_LIMIT`` (which django-axes
        compares with): for each parameter, its count moved by the difference between its own limit and that one,
        so that any parameter reaching its own limit reaches the lock."""
        shared = int(settings.AXES_FAILURE_LIMIT)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, count - _limit(parameter) + shared)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def is_locked(request, username: str) -> bool:
    """Whether a sign-in step for ``username`` from this request's address is locked now."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def record_failure(request, username: str) -> bool:
    """Count a failed sign-in step that was not a password (a wrong two-factor code) as django-axes counts a wrong
    password. Returns whether this failure locked the sign-in (``request.axes_locked_out``)."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def username_locked(request, username: str) -> bool:
    """Whether ``username`` itself (not only an address it was tried from) has reached its limit."""
    from axes.attempts import get_cool_off_threshold

    AxesProxyHandler.update_request(request)
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
    return failures >= int(settings.AXES_FAILURE_LIMIT)
