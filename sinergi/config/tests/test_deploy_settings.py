"""Production settings: configured from the environment as a real deployment is, Django's deployment checks find
nothing to warn about; the demo's settings (no TLS, console mail) are reported, not silently accepted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION = {
    "SINERGI_SECRET_KEY": "k" * 20 + "-production-like-secret-key-for-the-check-" + "z" * 20,
    "SINERGI_ALLOWED_HOSTS": "sinergi.example.go.id",
    "SINERGI_CSRF_TRUSTED_ORIGINS": "https://sinergi.example.go.id",
    "SINERGI_BEHIND_TLS_PROXY": "1",
    "SINERGI_TRUSTED_PROXIES": "10.0.0.0/8",
    "SINERGI_EMAIL_HOST": "smtp.example.go.id",
    "SINERGI_EMAIL_USER": "sinergi",
    "SINERGI_EMAIL_PASSWORD": "not-a-real-password",
    "SINERGI_EMAIL_FROM": "Sinergi <noreply@example.go.id>",
}


def clean_environment() -> dict[str, str]:
    # Nothing of this test process's own configuration (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which the
    # deployment checks rightly report).
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SINERGI_", "DJANGO_")) and k != "DATABASE_URL"}


def deploy_check(extra: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = clean_environment()
    env.update({"SINERGI_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sinergi.config.settings"}, **extra)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_environment_passes_the_deployment_checks(tmp_path):
    result = deploy_check(PRODUCTION, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_demo_environment_is_reported_by_the_deployment_checks(tmp_path):
    result = deploy_check({}, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for check in ("mail.E001", "security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output, check


def test_production_settings_values(tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_PROXY_SSL_HEADER, s.MAILERS['default']['BACKEND'], s.MAILERS['default']['OPTIONS']['host'], "
            "s.MAILERS['default']['OPTIONS']['use_tls'], s.DEFAULT_FROM_EMAIL, s.SINERGI_MFA_REQUIRED)")
    env = clean_environment()
    env.update(PRODUCTION, SINERGI_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="sinergi.config.settings")
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [
        "True", "31536000", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')",
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.go.id", "True",
        "Sinergi", "<noreply@example.go.id>", "True"]
