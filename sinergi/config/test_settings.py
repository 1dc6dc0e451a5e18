"""Settings for the test suite: the real settings, with background tasks run at once and a fast password hash."""

from .settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Two-factor authentication as in the demo: asked only where an agency requires it (the tests that need it say so).
SINERGI_MFA_REQUIRED = False
