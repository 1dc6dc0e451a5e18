"""Every ``aria-describedby`` on a page points to ids that exist on that page (help texts, errors)."""

import re

import pytest
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, user_with_role
from sinergi.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def dangling(body: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', body))
    wanted = [i for value in re.findall(r'aria-describedby="([^"]+)"', body) for i in value.split()]
    return sorted({i for i in wanted if i not in ids})


def test_described_by_ids_exist_on_forms_with_and_without_errors(client):
    case = CaseFactory()
    officer = user_with_role(Role.INTAKE_OFFICER, case.lead_agency)
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    assert client.login(username=officer.username, password=PASSWORD)
    pages = {"intake": client.get(reverse("web:intake")).content.decode(),
             "intake refused": client.post(reverse("web:intake"), {"channel": "family"}).content.decode()}
    client.logout()
    assert client.login(username=manager.username, password=PASSWORD)
    pages["case list"] = client.get(reverse("web:case_list")).content.decode()
    pages["case"] = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    pages["case refused"] = client.post(reverse("web:case_service", args=[case.pk]), {"type": "x"}).content.decode()
    for name, body in pages.items():
        assert "aria-describedby" in body or name == "case list", name
        assert dangling(body) == [], name
