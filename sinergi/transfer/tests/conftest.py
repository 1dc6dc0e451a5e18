import io

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.transfer import samples

VILLAGES = {"53": ["53.01.04.2003", "53.10.01.2001"], "35": ["35.07.01.2001"]}


@pytest.fixture
def agency(db):
    return AgencyFactory(code="uptd-ntt")


@pytest.fixture
def supervisor(agency):
    return user_with_role(Role.SUPERVISOR, agency, username="spv")


@pytest.fixture
def rows():
    return samples.sample_rows(20, villages=VILLAGES)


def as_stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
