import datetime as dt

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.analytics.referral_times import referral_response_times
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.referrals import services

pytestmark = pytest.mark.django_db


def test_referral_response_times_per_agency():
    lead = AgencyFactory()
    fast = AgencyFactory(name="A cepat")
    slow = AgencyFactory(name="B lambat")
    manager = user_with_role(Role.CASE_MANAGER, lead)
    fast_user = user_with_role(Role.CASE_MANAGER, fast)
    slow_user = user_with_role(Role.CASE_MANAGER, slow)
    start = clock.now()
    for agency, user, delay in ((fast, fast_user, 2), (slow, slow_user, 40)):
        case = CaseFactory(lead_agency=lead)
        clock.set_now(start)
        r = services.referral_send(actor=manager, case=case, type="locate", to_agency=agency,
                                   consent_override_reason="Keadaan darurat, korban hilang")
        clock.set_now(start + dt.timedelta(hours=delay))
        services.referral_respond(actor=user, referral=r, to_status="acknowledged")
    table = {row["agency"]: row for row in referral_response_times(since=start - dt.timedelta(days=1))}
    assert table["A cepat"]["ack_median_hours"] == 2.0 and table["A cepat"]["on_time_share"] == 1.0
    assert table["B lambat"]["ack_median_hours"] == 40.0 and table["B lambat"]["on_time_share"] == 0.0
