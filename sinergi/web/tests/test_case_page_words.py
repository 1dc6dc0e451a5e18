"""The case page's words and forms: dates in the format the date input accepts, the age as an age, only the
moves that are allowed after a refused one, an SPLP number taken as a travel document."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.cases.enums import ALLOWED_TRANSITIONS, Stage
from sinergi.core import clock
from sinergi.agencies.tests.factories import PASSWORD, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def test_service_start_date_default_is_in_the_format_the_date_input_accepts(client):
    case = CaseFactory()
    login(client, user_with_role(Role.CASE_MANAGER, case.lead_agency))
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    field = re.search(r'<input type="date" name="started_on"[^>]*>', body).group(0)
    assert f'value="{clock.today().isoformat()}"' in field


def test_age_shows_the_age_not_the_birth_date(client):
    born = clock.today().replace(year=clock.today().year - 23) - dt.timedelta(days=1)
    case = CaseFactory(survivor=PersonFactory(date_of_birth=born))
    login(client, user_with_role(Role.CASE_MANAGER, case.lead_agency))
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    umur = re.search(r"<dt>Umur</dt><dd>(.*?)</dd>", body, re.S).group(1)
    assert "23 tahun" in umur


def test_after_a_refused_move_the_stage_choice_lists_only_allowed_moves(client):
    case = CaseFactory(stage=Stage.PROTECTED)
    login(client, user_with_role(Role.CASE_MANAGER, case.lead_agency))
    r = client.post(reverse("web:case_transition", args=[case.pk]), {"to_stage": "documented"})
    assert r.status_code == 400
    offered = set(_options(r.content.decode(), "to_stage"))
    assert offered and offered <= {s.value for s in ALLOWED_TRANSITIONS[Stage.PROTECTED]}
    assert "reported" not in offered and "received" not in offered


def test_an_splp_number_is_accepted_as_a_travel_document(client):
    case = CaseFactory(stage=Stage.PROTECTED)
    login(client, user_with_role(Role.CASE_MANAGER, case.lead_agency))
    r = client.post(reverse("web:case_transition", args=[case.pk]),
                    {"to_stage": "documented", "travel_document_number": "SPLP/123/PP/2026"})
    assert r.status_code == 302, r.content.decode()[:3000]
    case.refresh_from_db()
    assert case.stage == Stage.DOCUMENTED


def test_a_regency_that_does_not_fit_is_named_by_the_field_not_by_its_code(client):
    from .test_pages import _intake_post

    officer = user_with_role(Role.INTAKE_OFFICER)
    login(client, officer)
    r = client.post(reverse("web:intake"), _intake_post(province="35"))  # the regency 53.01 is in NTT, not East Java
    body = r.content.decode()
    assert r.status_code == 400
    assert "bukan salah satu dari pilihan" not in body and "53.01 bukan" not in body
    assert "Kabupaten/kota asal" in body and "pilih lagi dari daftar" in body
