"""The ``sinergi`` command: dispatch to management commands, the demo command, and ``serve``'s refusals."""

import argparse

import pytest

from sinergi import cli
from sinergi.cases.models import Case


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    # Django closes every connection after a command run from argv; in a test that would drop the test
    # transaction's connection (PostgreSQL), so keep it open.
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.mark.django_db
def test_other_words_go_to_django_management():
    assert cli.main(["generate_cases", "4", "--seed", "2", "--batch", "3"]) == 0
    assert Case.objects.count() == 4


@pytest.mark.django_db
def test_management_errors_become_the_exit_code(capsys):
    assert cli.main(["generate_cases", "0"]) == 1
    assert "N harus lebih dari 0" in capsys.readouterr().err
    assert cli.main(["no_such_command"]) == 1


@pytest.mark.django_db
def test_demo_without_serving_sets_up_and_prints_the_logins(capsys):
    assert cli.main(["demo", "--no-serve", "--cases", "2", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    for expected in ("petugas", "manajer", "supervisor", "sinergi-demo-2026", "UPTD PPA NTT", "/api/v1/docs/",
                     "/admin/", "/publik/", "/login/"):
        assert expected in out
    assert Case.objects.count() == 2
    # The hotline directory is loaded, and the inbox of the lead agency has reports waiting.
    from sinergi.intake.models import Report
    from sinergi.recruitment.models import Hotline

    assert Hotline.objects.filter(national=True, phone="129").exists()
    assert Hotline.objects.filter(country_id__in=["MY", "SA", "TW", "HK", "KH"]).values("country_id").distinct().count() == 5
    assert Report.objects.filter(agency__code="uptd-ppa-ntt", status="new").count() >= 3
    assert Report.objects.filter(filed_by_agency__code="desa-noelbaki", agency__code="uptd-ppa-ntt").exists()


def test_serve_refuses_without_a_secret_key(monkeypatch, capsys):
    monkeypatch.delenv("SINERGI_SECRET_KEY", raising=False)
    assert cli.main(["serve", "--bind", "127.0.0.1:0"]) == 2
    assert "SINERGI_SECRET_KEY" in capsys.readouterr().err


def test_serve_refuses_without_the_keys_for_data_at_rest(monkeypatch, capsys, settings, tmp_path):
    """Production never creates keys itself: without them (here an empty key folder) it does not start."""
    from sinergi.core import keys

    monkeypatch.setenv("SINERGI_SECRET_KEY", "x" * 50)
    settings.SINERGI_KEY_DIR = tmp_path / "keys"
    keys.reset()
    try:
        assert cli.main(["serve", "--bind", "127.0.0.1:0"]) == 2
        err = capsys.readouterr().err
        assert "sinergi keys init" in err and "field: no key" in err and "audit: no key" in err
        assert not (tmp_path / "keys").exists()
    finally:
        keys.reset()


@pytest.mark.django_db
def test_worker_refuses_without_keys_when_it_may_not_create_them(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from sinergi.core import keys

    settings.SINERGI_KEY_DIR = tmp_path / "keys"
    settings.SINERGI_KEYS_AUTOCREATE = False
    keys.reset()
    try:
        with pytest.raises(CommandError, match="not all configured"):
            call_command("worker", "--once")
    finally:
        keys.reset()


def test_help_lists_the_commands(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "sinergi demo" in out and "sinergi serve" in out


def test_gunicorn_configuration_is_explicit():
    args = argparse.Namespace(bind="127.0.0.1:9000", workers=3, threads=2, timeout=45)
    options = cli.gunicorn_options(args)
    assert options["bind"] == "127.0.0.1:9000"
    assert (options["workers"], options["threads"], options["timeout"]) == (3, 2, 45)
    assert options["accesslog"] == "-" and options["worker_class"] == "gthread"
    assert cli.gunicorn_options(argparse.Namespace(bind="x:1", workers=None, threads=1, timeout=1))["workers"] >= 1


@pytest.mark.django_db  # the model checks ask the database's features (JSON support) on a connection
def test_serve_refuses_unsafe_production_settings(monkeypatch, capsys):
    # The test settings are the demo's: no TLS, no HSTS, console mail. A production server must not start so.
    monkeypatch.setenv("SINERGI_SECRET_KEY", "s" * 60)
    started = []
    monkeypatch.setattr(cli.SinergiServer, "run", lambda self: started.append(self.options))
    assert cli.main(["serve", "--bind", "127.0.0.1:0", "--skip-collectstatic"]) == 2
    err = capsys.readouterr().err
    for check in ("security.W004", "security.W008", "security.W012", "mail.E001"):
        assert check in err, check
    assert started == []


@pytest.mark.django_db
def test_serve_starts_with_safe_settings_or_when_told_it_is_insecure(monkeypatch, capsys, settings):
    monkeypatch.setenv("SINERGI_SECRET_KEY", "s" * 60)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")  # no SQLite warning in this test's output
    started = []
    monkeypatch.setattr(cli.SinergiServer, "run", lambda self: started.append(self.options))
    # Local trials and benchmarks on loopback over plain HTTP say so explicitly, and are warned.
    assert cli.main(["serve", "--bind", "127.0.0.1:0", "--skip-collectstatic", "--insecure"]) == 0
    assert "security.W008" in capsys.readouterr().err and len(started) == 1
    settings.SECRET_KEY = "a-long-random-production-key-" + "0123456789abcdefghij" * 2
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.ALLOWED_HOSTS = ["sinergi.example.go.id"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "smtp.example.go.id"}}}
    assert cli.main(["serve", "--bind", "127.0.0.1:0", "--skip-collectstatic"]) == 0
    assert "check" not in capsys.readouterr().err and len(started) == 2
