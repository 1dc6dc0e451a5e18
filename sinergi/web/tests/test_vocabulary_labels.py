"""Every value a user reads has an Indonesian and an English label: no Indonesian page shows a value of the HTCDS
vocabulary, or a country, in English or as its code."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from sinergi.agencies.enums import Role
from sinergi.core import htcds
from sinergi.core.htcds_labels import LABELS
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory
from sinergi.regions.models import Country

pytestmark = pytest.mark.django_db

SHOWN = {  # what the case page shows, and from which HTCDS list
    "exploitation_types": "vic_TypeOfExploitation", "recruitment_methods": "vic_MethodOfRecruitment",
    "recruitment_apps": "vic_RecruitmentWebsitesAndApps", "means_of_control": "vic_MethodsOfControl",
}


def english_of(value: str) -> str:
    with translation.override("en"):
        return str(LABELS[value])


def indonesian_of(value: str) -> str:
    with translation.override("id"):
        return str(LABELS[value])


def test_every_htcds_value_has_a_label_in_both_languages():
    values = {v for field in htcds.picklists().values() for v in field}
    assert values - set(LABELS) == set()
    assert english_of("Unaquainted") == "Unacquainted" and indonesian_of("Unaquainted") == "Orang tidak dikenal"
    assert english_of("WhatsApp") == "WhatsApp" and english_of("SnapChat") == "Snapchat"
    assert indonesian_of("ForcedLabour") == "Kerja paksa" and english_of("ForcedLabour") == "Forced labour"
    with translation.override("id"):
        assert dict(htcds.choices("vic_MethodsOfControl"))["WithholdsDocuments"] == "Menahan dokumen"


def test_country_names_are_indonesian_and_taiwan_is_taiwan():
    taiwan = Country.objects.get(code="TW")
    assert (taiwan.name, taiwan.name_id) == ("Taiwan", "Taiwan")
    assert Country.objects.get(code="KH").name_id == "Kamboja"
    assert Country.objects.get(code="CN").name_id == "Tiongkok"


def _values_of(field: str) -> list[str]:
    return list(htcds.values(field))


@pytest.fixture
def pages(client):
    """A case for each group of values (demo-like data), and the pages a case worker reads them on."""
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    cases = []
    relation = _values_of("vic_RelationshipToTrafficker")
    for i, country in enumerate(("TW", "KH", "MY", "SA", "HK", "KR")):
        pick = {k: _values_of(v)[i::6] for k, v in SHOWN.items()}
        cases.append(CaseFactory(lead_agency=agency, country_of_exploitation_id=country,
                                 relation_to_trafficker=relation[i % len(relation)],
                                 survivor=PersonFactory(citizenship_id="ID"), **pick))
    assert client.login(username=user.username, password=PASSWORD)
    bodies = {}
    for case in cases:
        bodies[f"case {case.reference}"] = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    bodies["case list"] = client.get(reverse("web:case_list")).content.decode()
    return cases, bodies


def test_no_indonesian_page_shows_an_htcds_value_or_a_country_untranslated(pages):
    cases, bodies = pages
    leaks = []
    for case in cases:
        body = html.unescape(bodies[f"case {case.reference}"])
        shown = [v for field in SHOWN for v in getattr(case, field)] + [case.relation_to_trafficker]
        for value in shown:
            english, indonesian = english_of(value), indonesian_of(value)
            assert indonesian in body, (case.reference, value)
            rest = body.replace(indonesian, "")  # what the page shows besides the label
            if english != indonesian and english in rest:
                leaks.append((case.reference, value, english))
            if htcds.humanize(value) not in (english, indonesian) and htcds.humanize(value) in rest:
                leaks.append((case.reference, value, htcds.humanize(value)))
        country = Country.objects.get(code=case.country_of_exploitation_id)
        assert country.name_id in body
        if country.name != country.name_id:
            assert country.name not in body.replace(country.name_id, ""), country.name
    for name, body in bodies.items():
        assert "Taiwan, Provinsi China" not in body and "Province of China" not in body, name
    assert leaks == []


def test_the_same_pages_in_english_show_english_labels(pages, client):
    cases, _ = pages
    from sinergi.agencies.models import Membership

    user = Membership.objects.filter(agency=cases[0].lead_agency).first().user
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    body = html.unescape(client.get(reverse("web:case_detail", args=[cases[1].pk])).content.decode())
    for value in cases[1].means_of_control:
        assert english_of(value) in body
    assert "Cambodia" in body


def test_djangos_blank_choice_is_indonesian_too():
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("id"):
        assert str(BLANK_CHOICE_LABEL) == "- Pilih salah satu -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
