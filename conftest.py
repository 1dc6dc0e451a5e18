import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (countries, all of Indonesia's regions) once per test session."""
    from sinergi.regions.services import countries_load, regions_load

    with django_db_blocker.unblock():
        countries_load()
        regions_load()


@pytest.fixture(autouse=True)
def _instance_language():
    """Every test starts in the instance's language. A request in English leaves English active in the thread
    (the locale middleware activates, it does not restore), so a later test calling a service directly would
    otherwise speak whatever the test before it asked for."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _database_use(item) -> str:
    """'transactional', 'db' or '' for a test, by the same rule pytest-django orders them."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names or (
            marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))):
        return "transactional"
    return "db" if marker or "db" in names else ""


_flushed = {"yes": False}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _database_use(item) == "transactional":
        _flushed["yes"] = True  # the test database was emptied, reference data included


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test after a transactional one finds the reference data again. Alone, pytest-django runs transactional
    tests last; spread over processes (pytest-xdist), a process may take one earlier."""
    if not _flushed["yes"] or _database_use(item) != "db":
        return
    import importlib

    from django.apps import apps as django_apps
    from pytest_django.plugin import blocking_manager_key

    from sinergi.regions.services import countries_load, regions_load

    with item.config.stash[blocking_manager_key].unblock():
        countries_load()
        regions_load()
        for module, seed in _MIGRATION_SEEDS:
            getattr(importlib.import_module(module), seed)(django_apps, None)
    _flushed["yes"] = False


# What the migrations write beside the schema, which a flush removes: the risk rules and the audit chain's head.
_MIGRATION_SEEDS = [("sinergi.recruitment.migrations.0002_default_rules", "seed"),
                    ("sinergi.audit.migrations.0003_keyed_chain", "seal_legacy_segment")]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page read in English (a request through the test client
    activates its language for the thread) must not leave the next test's messages in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _real_clock():
    from sinergi.core import clock

    clock.set_now(None)
    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def _audit_checkpoint_dir(settings, tmp_path):
    """Each test signs its checkpoints into its own folder (another test's would not match its chain)."""
    from sinergi.audit import checkpoints

    settings.SINERGI_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    checkpoints._latest_cache.clear()
    yield
    checkpoints._latest_cache.clear()


@pytest.fixture
def keyring_env(monkeypatch):
    """Set a purpose's keyring inline for one test: ``keyring_env("audit", [(kid, secret_bytes), ...])``; the
    keys loaded before are restored afterwards."""
    import base64

    from sinergi.core import keys

    def set_ring(purpose, entries):
        text = ",".join(f"{kid}:{base64.urlsafe_b64encode(secret).decode().rstrip('=')}" for kid, secret in entries)
        monkeypatch.setenv(f"SINERGI_{purpose.upper()}_KEY", text)
        keys.reset()

    yield set_ring
    monkeypatch.undo()
    keys.reset()
