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
