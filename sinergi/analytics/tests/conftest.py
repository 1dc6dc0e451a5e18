"""A generated world for the analytics tests: several provinces, agencies and years of cases with their stage
stays and referrals (the bulk generator), and the read models rebuilt from them."""

import pytest

from sinergi.analytics.refresh import analytics_refresh


@pytest.fixture
def world(db):
    from sinergi.demo.services import generate

    generate(400, seed=12, batch=200)
    analytics_refresh(force=True)
