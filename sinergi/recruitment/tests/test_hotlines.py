"""The shipped hotline directory: real numbers, well formed, none a placeholder, every entry marked to be verified,
and administrators keep it current (numbers checked, every change audited)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sinergi.audit.models import AuditEvent
from sinergi.recruitment.hotlines import DATA, SHIPPED_BEFORE, hotlines_load, number_problem, rows
from sinergi.recruitment.models import Hotline

pytestmark = pytest.mark.django_db

# A mission's number is in its country's numbering plan (or Indonesia's, for a line answered from Jakarta).
CALLING_CODES = {"MY": "60", "SA": "966", "AE": "971", "HK": "852", "TW": "886", "SG": "65", "KR": "82", "JP": "81",
                 "KH": "855", "MM": "95", "PH": "63"}
DEMO_PROVINCES = {"53", "52", "32", "33", "35", "12", "64", "65"}


def shipped():
    return list(rows(DATA))


@pytest.mark.parametrize("number", ["+62 812-9007-0027", "+60 88-218 600", "+886 2 8752 6170", "110", "129", "112",
                                    "0800-1000", "+852 2890 4421"])
def test_well_formed_numbers_pass(number):
    assert number_problem(number) is None


@pytest.mark.parametrize("number", ["+60 3 0000 1033", "+62 380 000 1401", "000", "0812-xxxx-xxxx", "TBD",
                                    "placeholder", "+62 812", "0812 3456 7890", "+0 21 555 1234", "12 34",
                                    "+62 21 555 1234 5678 90", "nomor: ?"])
def test_placeholders_and_malformed_numbers_are_refused(number):
    assert number_problem(number)


def test_the_shipped_directory_has_real_numbers_only():
    text = DATA.read_text(encoding="utf-8")
    data = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    for word in ("xxx", "tbd", "placeholder", "contoh", "0000", ",000", " 000 ", "-000-"):
        assert word not in data.lower(), word
    for row in shipped():
        for column in ("phone", "whatsapp"):
            if row[column]:
                assert number_problem(row[column]) is None, (row["name"], row[column])
        assert row["verify"] == "1", row["name"]  # shipped "to be verified by the administrator"
        assert row["name_en"] and row["hours_en"], row["name"]
        if row["country"]:
            digits = re.sub(r"\D", "", row["phone"])
            assert row["phone"].startswith("+") and digits.startswith(CALLING_CODES[row["country"]]), row["name"]


def test_the_directory_covers_the_national_lines_the_destinations_and_the_demo_provinces():
    entries = shipped()
    national = {r["phone"] for r in entries if r["national"] == "1"}
    assert {"0800-1000", "110", "129"} <= national  # KP2MI/BP2MI, police, SAPA
    assert any("BP2MI" in r["name"] and r["phone"] == "0800-1000" for r in entries)
    missions = {r["country"] for r in entries if r["country"]}
    assert set(CALLING_CODES) <= missions
    malaysia = " ".join(r["name"] for r in entries if r["country"] == "MY")
    for post in ("Kuala Lumpur", "Kota Kinabalu", "Kuching", "Tawau"):
        assert post in malaysia, post
    taiwan = [r for r in entries if r["country"] == "TW"]
    assert taiwan and all("Taiwan" in r["name"] + r["name_en"] and "China" not in r["name"] + r["name_en"]
                          for r in taiwan)
    assert DEMO_PROVINCES <= {r["province"] for r in entries if r["province"]}


def test_loaded_entries_are_to_be_verified_and_read_in_both_languages():
    assert hotlines_load() == len(shipped()) and hotlines_load() == 0
    assert not Hotline.objects.filter(verified_on__isnull=False).exists()
    assert Hotline.objects.filter(province_id__in=DEMO_PROVINCES).values("province_id").distinct().count() == 8
    kk = Hotline.objects.get(name="KJRI Kota Kinabalu (Sabah)")
    assert kk.country_id == "MY" and kk.dial == "+6088218600"
    with translation.override("en"):
        assert kk.name_shown == "Indonesian Consulate General in Kota Kinabalu (Sabah)"
    with translation.override("id"):
        assert kk.name_shown == "KJRI Kota Kinabalu (Sabah)"


def test_a_new_load_sets_right_the_old_placeholders_but_never_an_administrator_s_change():
    import datetime as dt

    old_kl, old_tw = "KBRI Kuala Lumpur (hotline pelindungan WNI)", "KDEI Taipei (hotline pelindungan WNI)"
    Hotline.objects.create(name=old_kl, phone=SHIPPED_BEFORE[old_kl][0], country_id="MY", hours="24 jam")
    Hotline.objects.create(name=old_tw, phone="+886 2 2345 6789", country_id="TW", verified_on=dt.date(2026, 1, 5))
    police = Hotline.objects.create(name="Kepolisian (panggilan darurat)", phone="110", national=True,
                                    hours="24 jam")
    # Loaded before the reference data: no province yet.
    Hotline.objects.create(name="UPTD PPA Provinsi NTB (layanan pengaduan)", phone="+62 370 625 183")
    hotlines_load()
    kl = Hotline.objects.get(name=old_kl)
    assert kl.phone == "+60 3-2116 4000" and kl.name_en and kl.verified_on is None
    assert Hotline.objects.get(name=old_tw).phone == "+886 2 2345 6789"  # the administrator's number stays
    police.refresh_from_db()
    assert police.name_en == "Police (emergency)" and police.hours_en == "24 hours"  # only what was missing
    assert Hotline.objects.get(name="UPTD PPA Provinsi NTB (layanan pengaduan)").province_id == "52"
    assert not any(number_problem(h.phone) for h in Hotline.objects.all())


def test_administrators_keep_the_directory_current_in_the_admin():
    from sinergi.agencies.tests.factories import UserFactory

    hotlines_load()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    listing = client.get(reverse("admin:recruitment_hotline_changelist"), {"verified": "no"})
    assert listing.status_code == 200 and "KJRI Kota Kinabalu" in listing.content.decode()
    kk = Hotline.objects.get(name="KJRI Kota Kinabalu (Sabah)")
    url = reverse("admin:recruitment_hotline_change", args=[kk.pk])
    form = {"name": kk.name, "name_en": kk.name_en, "phone": "+60 3 0000 1033", "whatsapp": "", "email": "",
            "hours": kk.hours, "hours_en": kk.hours_en, "country": "MY", "province": "", "verified_on": ""}
    refused = client.post(url, form)
    assert refused.status_code == 200 and "contoh" in refused.content.decode()  # a placeholder is refused
    kk.refresh_from_db()
    assert kk.phone == "+60 88-218 600"
    r = client.post(url, {**form, "phone": "+60 88-218 601", "whatsapp": "+60 19-860 1410",
                          "verified_on": "2026-11-30"})
    assert r.status_code == 302, r.content.decode()[:2000]
    kk.refresh_from_db()
    assert kk.phone == "+60 88-218 601" and str(kk.verified_on) == "2026-11-30"
    assert AuditEvent.objects.filter(object_type="hotline", object_id=str(kk.pk), action="update").exists()
    assert client.get(reverse("admin:recruitment_hotline_changelist"), {"verified": "yes"}).content.decode() \
        .count("KJRI Kota Kinabalu") >= 1
