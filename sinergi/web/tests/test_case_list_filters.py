"""The case list's filters: the regency list fills after a province is chosen (with htmx, and without JavaScript
on the next submit), and on a phone the filters are folded below the search box."""

import re

import pytest
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = user_with_role(Role.CASE_MANAGER)
    assert client.login(username=user.username, password=PASSWORD)
    return user


def test_choosing_a_province_fills_the_regency_list(client, manager):
    body = client.get(reverse("web:case_list")).content.decode()
    province = re.search(r'<select name="origin_province"[^>]*>', body).group(0)
    assert 'hx-get="/regions/options/"' in province and 'hx-target="#id_origin_regency"' in province
    options = client.get(reverse("web:region_options"), {"level": "regency", "origin_province": "53"}).content.decode()
    assert 'value="53.01"' in options and 'value="33.01"' not in options
    no_js = client.get(reverse("web:case_list"), {"origin_province": "53"}).content.decode()
    regency = re.search(r'<select name="origin_regency".*?</select>', no_js, re.S).group(0)
    assert 'value="53.01"' in regency


def test_filters_are_folded_below_the_search_box(client, manager):
    body = client.get(reverse("web:case_list")).content.decode()
    folded = re.search(r"<details[^>]*>.*?</details>", body, re.S)
    assert folded and "<summary" in folded.group(0) and 'name="stage"' in folded.group(0)
    assert 'name="q"' not in folded.group(0)  # the search box stays in sight
    assert "<details" in body and " open" not in re.search(r"<details[^>]*>", body).group(0)
    filtered = client.get(reverse("web:case_list"), {"stage": "reported"}).content.decode()
    assert re.search(r"<details[^>]*\sopen", filtered)  # a filter in use is not hidden
