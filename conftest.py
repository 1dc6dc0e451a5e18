import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (countries, all of Indonesia's regions) once per test session."""
    from sinergi.regions.services import countries_load, regions_load

    with django_db_blocker.unblock():
        countries_load()
        regions_load()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
