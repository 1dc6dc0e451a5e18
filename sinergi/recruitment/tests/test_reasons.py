"""A risk flag's reason is kept as a message id and its parameters, and read in the reader's language; flags
written before (one Indonesian text) are mapped to messages by the migration, and an unknown text is kept and
shown as it was."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from sinergi.core import clock
from sinergi.recruitment import rules
from sinergi.recruitment.models import JobOrder, LicenceEvent, Placement, PlacementAgency, RiskFlag, RiskRule
from sinergi.recruitment.services import flags_refresh, name_key, offer_for_placement

pytestmark = pytest.mark.django_db


def in_language(lang, obj):
    with translation.override(lang):
        return str(obj.reason)


@pytest.fixture
def revoked_placement():
    agency = PlacementAgency.objects.create(name="PT Bintang Timur Raya", licence_number="KEP-777/2020",
                                            name_key=name_key("PT Bintang Timur Raya"))
    LicenceEvent.objects.create(agency=agency, status="active", effective_from=dt.date(2020, 1, 1))
    LicenceEvent.objects.create(agency=agency, status="revoked", effective_from=dt.date(2025, 6, 1), reason="Aduan")
    jo = JobOrder.objects.create(agency=agency, reference="JO-KH-7", employer="Golden Fortune", destination_id="KH",
                                 position="customer service", quota=1, approved=True)
    Placement.objects.create(job_order=jo, worker_reference="W-70", departure_date=dt.date(2026, 6, 1))
    return Placement.objects.create(job_order=jo, worker_reference="W-71", departure_date=dt.date(2026, 7, 1),
                                    visa_type="tourist")


def test_a_flag_keeps_a_message_id_and_parameters_not_a_text(revoked_placement):
    flags = {f.rule.code: f for f in flags_refresh("placement", revoked_placement.pk,
                                                   offer_for_placement(revoked_placement))}
    licence = RiskFlag.objects.get(pk=flags["agency-not-licensed"].pk)
    assert licence.reason_msgid == "Izin %(agency)s dicabut sejak %(since)s."
    assert licence.reason_params == {"agency": "PT Bintang Timur Raya", "since": {"date": "2025-06-01"}}
    assert licence.reason_text == ""
    assert in_language("id", licence) == "Izin PT Bintang Timur Raya dicabut sejak 01-06-2025."
    assert in_language("en", licence) == "The licence of PT Bintang Timur Raya was revoked on 06/01/2025."

    destination = RiskFlag.objects.get(pk=flags["non-official-destination"].pk)
    assert destination.reason_params == {"country": {"country": "KH"}}
    assert in_language("id", destination).startswith("Kamboja bukan negara tujuan resmi")
    assert in_language("en", destination) == ("Cambodia is not an official destination for the placement of "
                                              "Indonesian migrant workers.")

    quota = RiskFlag.objects.get(pk=flags["job-order-not-approved"].pk)
    assert in_language("en", quota) == "Placements (2) exceed the job order's quota (1)."
    assert in_language("en", RiskFlag.objects.get(pk=flags["tourist-visa"].pk)) == (
        "Going abroad to work on a tourist or visit visa, not a work visa.")


def test_money_and_counts_are_written_the_reader_s_way():
    offer = rules.Offer(on=clock.today(), destination="MY", position="customer service",
                        monthly_pay_usd=Decimal("1100"), fee_idr=Decimal("15000000"))
    hits = {h.rule.code: h for h in rules.evaluate(offer)}
    assert in_language("id", hits["pay-above-norm"]).startswith("Gaji sekitar US$1.100 per bulan")
    assert "(batas US$800)" in in_language("id", hits["pay-above-norm"])
    assert in_language("en", hits["pay-above-norm"]) == (
        "Pay of about US$1,100 a month for work that needs no particular skill is far above the norm "
        "(limit US$800).")
    assert in_language("id", hits["fees-charged"]) == "Calon pekerja diminta membayar Rp15.000.000."
    assert in_language("en", hits["fees-charged"]) == "The prospective worker is asked to pay Rp15,000,000."


def test_a_refresh_with_the_same_facts_changes_nothing(revoked_placement):
    flags_refresh("placement", revoked_placement.pk, offer_for_placement(revoked_placement))
    before = dict(RiskFlag.objects.values_list("pk", "updated_at"))
    flags_refresh("placement", revoked_placement.pk, offer_for_placement(revoked_placement))
    assert dict(RiskFlag.objects.values_list("pk", "updated_at")) == before


def test_a_malformed_message_is_shown_untranslated_never_an_error():
    rule = RiskRule.objects.get(code="tourist-visa")
    flag = RiskFlag(rule=rule, subject_type="placement", subject_id=rule.pk,
                    reason_msgid="Izin %(agency)s dicabut sejak %(since)s.", reason_params={"agency": "PT X"})
    assert in_language("en", flag) == "Izin %(agency)s dicabut sejak %(since)s."


# --- the migration of flags written as one Indonesian text -------------------------------------------------------

MIGRATION = importlib.import_module("sinergi.recruitment.migrations.0004_flag_reason_messages")


def legacy(rule_code, text, evidence=None, subject_id=None):
    rule = RiskRule.objects.get(code=rule_code)
    import uuid

    return RiskFlag.objects.create(rule=rule, subject_type="placement", subject_id=subject_id or uuid.uuid4(),
                                   reason_text=text, evidence=evidence or {})


def test_migration_maps_the_known_texts_and_keeps_the_unknown(revoked_placement):
    agency = revoked_placement.job_order.agency
    rows = {
        "country": legacy("non-official-destination", "Kamboja bukan negara tujuan resmi penempatan pekerja migran "
                          "Indonesia.", {"destination": "KH"}),
        "code": legacy("non-official-destination", "KH bukan negara tujuan resmi penempatan pekerja migran "
                       "Indonesia.", {"destination": "KH"}),
        # Written before the licence history's own dates were used: the date of the departure. The migration
        # takes the date from the history.
        "revoked": legacy("agency-not-licensed", "Izin PT Bintang Timur Raya dicabut pada 01-07-2026.",
                          {"agency": str(agency.pk), "status": "revoked"}),
        "suspended": legacy("agency-not-licensed", "Izin PT Lama dibekukan sejak 03-02-2024.",
                            {"agency": "gone", "status": "suspended", "since": "2024-02-03"}),
        "pay": legacy("pay-above-norm", "Gaji sekitar US$1100 per bulan untuk pekerjaan tanpa keahlian khusus jauh "
                      "di atas kewajaran (batas US$800)."),
        "fee": legacy("fees-charged", "Calon pekerja diminta membayar Rp2.500.000."),
        "quota": legacy("job-order-not-approved", "Penempatan (3) melebihi kuota job order (2)."),
        "shared": legacy("shared-identifier", "Nomor/akun/rekening yang sama muncul dalam 4 kasus perdagangan orang."),
        "demo": legacy("tourist-visa", "Penempatan terkait kasus perdagangan orang."),
        "unknown": legacy("tourist-visa", "Catatan lama yang ditulis tangan oleh petugas."),
    }
    MIGRATION.forwards(django_apps, None)
    got = {k: RiskFlag.objects.get(pk=f.pk) for k, f in rows.items()}
    assert got["country"].reason_params == {"country": {"country": "KH"}}
    assert in_language("en", got["code"]).startswith("Cambodia is not an official destination")
    assert got["revoked"].reason_params == {"agency": "PT Bintang Timur Raya", "since": {"date": "2025-06-01"}}
    assert in_language("id", got["revoked"]) == "Izin PT Bintang Timur Raya dicabut sejak 01-06-2025."
    assert in_language("en", got["suspended"]) == "The licence of PT Lama was suspended on 02/03/2024."
    assert in_language("en", got["pay"]).startswith("Pay of about US$1,100 a month")
    assert in_language("en", got["fee"]) == "The prospective worker is asked to pay Rp2,500,000."
    assert in_language("en", got["quota"]) == "Placements (3) exceed the job order's quota (2)."
    assert in_language("en", got["shared"]) == ("The same number, account or bank account appears in 4 trafficking "
                                                "cases.")
    assert in_language("en", got["demo"]) == "The placement is linked to a trafficking case."
    for key in rows:
        if key != "unknown":
            assert got[key].reason_msgid and got[key].reason_text == "", key
    unknown = got["unknown"]
    assert unknown.reason_msgid == "" and unknown.reason_text == "Catatan lama yang ditulis tangan oleh petugas."
    assert in_language("en", unknown) == "Catatan lama yang ditulis tangan oleh petugas."
    MIGRATION.forwards(django_apps, None)  # a second run changes nothing
    assert RiskFlag.objects.get(pk=got["revoked"].pk).reason_params == got["revoked"].reason_params
