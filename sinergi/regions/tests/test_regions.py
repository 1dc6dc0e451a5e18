"""Reference data: all of Indonesia's regions and the world's countries, loaded idempotently."""

import pytest

from sinergi.regions.enums import Level
from sinergi.regions.models import Country, Region
from sinergi.regions.services import countries_load, regions_load

pytestmark = pytest.mark.django_db


def test_all_regions_are_loaded():
    counts = {level: Region.objects.filter(level=level).count() for level in Level}
    assert counts == {Level.PROVINCE: 38, Level.REGENCY: 514, Level.DISTRICT: 7285, Level.VILLAGE: 83762}


def test_hierarchy_and_codes():
    village = Region.objects.select_related("parent__parent__parent").get(code="53.01.04.2003")
    assert village.level == Level.VILLAGE
    assert village.parent.code == "53.01.04" and village.parent.parent.code == "53.01"
    assert village.parent.parent.parent.code == "53" and village.parent.parent.parent.parent is None
    assert village.province_code == "53" and village.regency_code == "53.01"
    assert Region.objects.get(code="53").regency_code is None
    assert Region.objects.get(code="53.01").name == "Kabupaten Kupang"
    # Every non-province has a parent one level up.
    assert not Region.objects.exclude(level=Level.PROVINCE).filter(parent__isnull=True).exists()


def test_countries():
    assert Country.objects.count() >= 249
    kh = Country.objects.get(code="KH")
    assert kh.alpha3 == "KHM" and kh.name == "Cambodia"
    assert Country.objects.get(alpha3="IDN").code == "ID"
    assert Country.objects.get(code="MY").name_id  # an Indonesian name where pycountry has one


def test_loading_again_adds_nothing():
    assert countries_load() == 0
    assert regions_load() == {"province": 0, "regency": 0, "district": 0, "village": 0}


def test_renamed_region_is_restored_by_load():
    Region.objects.filter(code="53").update(name="Nama Lama")
    regions_load(levels=(Level.PROVINCE,))
    assert Region.objects.get(code="53").name == "Nusa Tenggara Timur"
