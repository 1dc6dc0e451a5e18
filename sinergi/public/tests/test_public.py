import datetime as dt

import pytest
from django.urls import reverse

from sinergi.agencies.enums import AgencyType
from sinergi.agencies.tests.factories import AgencyFactory
from sinergi.core import clock
from sinergi.intake.models import Report
from sinergi.public import services
from sinergi.public.models import PublicReport
from sinergi.recruitment.models import Hotline

pytestmark = pytest.mark.django_db


def report_data(**kw):
    clock.set_now(clock.now() - dt.timedelta(seconds=30))
    token = services.form_token()
    clock.set_now(None)
    data = {"person_name": "Yohana Tefa", "person_age": "19", "province": "53", "destination": "KH",
            "narrative": "Anak kami berangkat lewat calo ke Kamboja, sekarang tidak bisa dihubungi.", "token": token,
            "website": ""}
    data.update(kw)
    return data


def test_check_offer_cambodia_high_with_hotlines(client):
    Hotline.objects.create(name="KBRI Phnom Penh", phone="+855 23 217 934", country_id="KH")
    Hotline.objects.create(name="Hotline SAPA 129", phone="129", national=True)
    r = client.post(reverse("public_check"), {
        "agency": "", "destination": "KH", "position": "customer service", "pay_amount": "1100", "pay_currency": "USD",
        "needs_qualification": "no", "channels": ["telegram"], "visa": "tourist", "province": "53"})
    body = r.content.decode()
    assert r.status_code == 200 and "Risiko tinggi" in body and "KBRI Phnom Penh" in body and "129" in body
    assert not Report.objects.exists()  # nothing stored


def test_report_goes_to_province_agency_and_code_shows_only_status(client):
    ntt = AgencyFactory(name="UPTD PPA NTT", type=AgencyType.PROVINCIAL_SERVICE, region_id="53")
    AgencyFactory(name="UPTD PPA Jatim", type=AgencyType.PROVINCIAL_SERVICE, region_id="35")
    r = client.post(reverse("public_report"), report_data())
    assert r.status_code == 201
    code = r.context["code"]
    assert services.normalise_code(code) == code
    report = Report.objects.get()
    assert report.agency == ntt and report.channel == "public_form" and report.subject.full_name == "Yohana Tefa"
    assert PublicReport.objects.get().code_hash != code  # only a hash is kept
    from sinergi.audit.models import AuditEvent

    # The person the family named is created, and audited, as the public's, for the agency that received it.
    person_row = AuditEvent.objects.get(action="create", object_type="person", object_id=str(report.subject_id))
    assert person_row.username == "public" and person_row.agency_id == ntt.pk
    r = client.post(reverse("public_track"), {"code": code.lower().replace("-", " ")})
    body = r.content.decode()
    assert r.status_code == 200 and "sudah diterima" in body
    assert "Yohana" not in body and "Kamboja" not in body  # status only
    assert client.post(reverse("public_track"), {"code": "AAAA-BBBB-CCCC"}).status_code == 404
    assert client.post(reverse("public_track"), {"code": "<script>"}).status_code == 404


def test_injection_honeypot_and_fast_submit_rejected_nothing_stored(client):
    AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, region_id="53")
    assert client.post(reverse("public_report"), report_data(narrative="<script>alert(1)</script>")).status_code == 400
    assert client.post(reverse("public_report"), report_data(website="http://spam.example")).status_code == 400
    fresh = report_data()
    fresh["token"] = services.form_token()  # submitted immediately
    assert client.post(reverse("public_report"), fresh).status_code == 400
    assert client.post(reverse("public_report"), report_data(narrative="x" * 6000)).status_code == 400
    assert not Report.objects.exists() and not PublicReport.objects.exists()


def test_rate_limit_per_address(client, settings):
    from sinergi.public import views

    views.LIMITS["track"] = (3, 600)
    try:
        statuses = [client.post(reverse("public_track"), {"code": "AAAA-BBBB-CCCC"}).status_code for _ in range(5)]
    finally:
        views.LIMITS["track"] = (20, 600)
    assert statuses[:3] == [404, 404, 404] and statuses[3:] == [429, 429]
    other = client.post(reverse("public_track"), {"code": "AAAA-BBBB-CCCC"}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 404


def test_a_phone_number_is_allowed_and_a_refusal_says_what_was_not_allowed(client):
    AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, region_id="53")
    ok = client.post(reverse("public_report"), report_data(
        reporter_contact="HP ibu: +62 812-3456-7890 (WA)",
        narrative="Tolong telepon kami, nomor ponsel=0812 3456 7890. Anak kami di Kamboja tidak bisa pulang."))
    assert ok.status_code == 201
    refused = client.post(reverse("public_report"), report_data(narrative="<script>alert(1)</script> tolong"))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "skrip" in body and "nomor telepon" in body  # what is refused, and that a number is fine
    assert "Isi tidak diizinkan" not in body


def test_refused_attempts_do_not_count_toward_the_hourly_limit(client):
    from sinergi.public import views

    AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, region_id="53")
    views.LIMITS["report"] = (2, 3600)
    try:
        refused = [client.post(reverse("public_report"), report_data(narrative="<iframe src=x>")).status_code
                   for _ in range(4)]
        accepted = [client.post(reverse("public_report"), report_data()).status_code for _ in range(3)]
    finally:
        views.LIMITS["report"] = (5, 3600)
    assert refused == [400] * 4 and accepted == [201, 201, 429]


def test_the_tracking_page_names_the_office_and_the_next_step(client):
    AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, region_id="53")
    code = client.post(reverse("public_report"), report_data()).context["code"]
    body = client.post(reverse("public_track"), {"code": code}).content.decode()
    assert "dinas layanan perlindungan korban di provinsi" in body and "Berikutnya" in body
    client.post(reverse("set_language"), {"language": "en"})
    body = client.post(reverse("public_track"), {"code": code}).content.decode()
    assert "provincial victim protection service" in body


def test_the_hotline_directory_is_on_the_public_door_and_the_check_page():
    from django.test import Client

    from sinergi.recruitment.hotlines import hotlines_load

    assert hotlines_load() >= 10 and hotlines_load() == 0  # loading again adds nothing
    client = Client()
    home = client.get(reverse("public_home")).content.decode()
    assert "110" in home and "129" in home and "0800-1000" in home and "KBRI Kuala Lumpur" not in home
    r = client.post(reverse("public_check"), {
        "agency": "", "destination": "MY", "position": "pekerja kebun", "pay_amount": "", "pay_currency": "MYR",
        "needs_qualification": "no", "visa": "tourist", "province": "53"})
    body = r.content.decode()
    assert "KBRI Kuala Lumpur" in body and "KJRI Kota Kinabalu" in body and "UPTD PPA Provinsi NTT" in body
    assert "KDEI Taipei" not in body


def test_check_offer_reasons_in_the_reader_s_language(client):
    data = {"agency": "", "destination": "KH", "position": "customer service", "pay_amount": "1500",
            "pay_currency": "USD", "needs_qualification": "no", "visa": "tourist", "province": "53"}
    body = client.post(reverse("public_check"), data).content.decode()
    assert "Kamboja bukan negara tujuan resmi" in body and "US$1.500" in body
    client.post(reverse("set_language"), {"language": "en"})
    body = client.post(reverse("public_check"), data).content.decode()
    assert "Cambodia is not an official destination" in body and "US$1,500" in body
    assert "Going abroad to work on a tourist or visit visa, not a work visa." in body
    assert "Leaving on a tourist visa" in body and "Ask for proof of a work visa before leaving." in body
    assert "bukan negara tujuan resmi" not in body and "Gaji sekitar" not in body and "Berangkat dengan" not in body


def test_the_hotline_page_lists_the_missions_and_provinces_in_the_reader_s_language(client):
    from sinergi.recruitment.hotlines import hotlines_load

    hotlines_load()
    home = client.get(reverse("public_home")).content.decode()
    assert reverse("public_hotlines") in home and 'href="tel:08001000"' in home
    body = client.get(reverse("public_hotlines")).content.decode()
    assert "Perwakilan RI di luar negeri" in body and "<h3>Taiwan</h3>" in body and "<h3>Kamboja</h3>" in body
    assert "KJRI Kuching (Sarawak)" in body and "KRI Tawau (Sabah)" in body and "Nusa Tenggara Timur" in body
    assert 'href="tel:+6088218600"' in body and "Provinsi China" not in body
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("public_hotlines")).content.decode()
    assert "Indonesian missions abroad" in body and "<h3>Cambodia</h3>" in body and "<h3>Taiwan</h3>" in body
    assert "Indonesian Consulate General in Kuching (Sarawak)" in body and "24 hours" in body
    assert "24 jam" not in body and "KJRI Kuching" not in body
