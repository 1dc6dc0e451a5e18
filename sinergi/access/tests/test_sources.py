import pytest

from sinergi.access import sources
from sinergi.cases.models import Case
from sinergi.intake.models import Report
from sinergi.people.models import Person
from sinergi.referrals.enums import ACTIVE
from sinergi.referrals.models import Notice, NoticeRecipient, Referral
from sinergi.transfer.models import ImportJob


def test_every_source_the_decision_reads_is_registered_by_its_app():
    assert {name: sources.get(name) for name in sources.NAMES} == {
        "case": Case, "person": Person, "report": Report, "referral": Referral, "referral_active": ACTIVE,
        "notice": Notice, "notice_recipient": NoticeRecipient, "import_job": ImportJob}


def test_an_unknown_source_is_refused():
    with pytest.raises(KeyError):
        sources.register(anything=object())
