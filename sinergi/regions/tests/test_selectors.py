import pytest

from sinergi.regions.models import Country
from sinergi.regions.selectors import country_by_code

pytestmark = pytest.mark.django_db


def test_a_country_by_its_two_or_three_letter_code_in_any_case():
    kh = Country.objects.get(code="KH")
    assert country_by_code("KH") == kh
    assert country_by_code(" kh ") == kh
    assert country_by_code("KHM") == kh
    assert country_by_code("khm") == kh
    assert country_by_code(kh) is kh


def test_unknown_or_empty_codes_name_no_country():
    for value in (None, "", "XX", "XXX", "K", "KHMR"):
        assert country_by_code(value) is None


def test_the_bulk_code_map_accepts_what_country_by_code_accepts():
    from sinergi.regions.selectors import country_codes

    codes = country_codes()
    assert codes["KH"] == "KH" and codes["KHM"] == "KH" and codes["TW"] == "TW"
    for spelling, code in list(codes.items())[:50]:
        assert country_by_code(spelling).code == code
    assert "XX" not in codes
