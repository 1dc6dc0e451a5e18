"""The analytics tests' generated world: several provinces, agencies and years of cases with their stage stays
and referrals, on a light copy of the reference data, with the read models rebuilt from them."""

import pytest

from sinergi.analytics.tests.world import generated_world


@pytest.fixture
def world(db):
    generated_world()
