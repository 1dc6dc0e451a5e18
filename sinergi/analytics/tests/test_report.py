"""The annual report opens as PDF and Excel and holds the expected tables; the commands write them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case

pytestmark = pytest.mark.django_db


def _year():
    from collections import Counter

    return Counter(Case.objects.values_list("reported_on__year", flat=True)).most_common(1)[0][0]


def test_report_command_writes_a_pdf_with_the_tables_and_the_map(world, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "report.pdf"
    year = _year()
    call_command("report", "--year", str(year), "--format", "pdf", "--out", str(out))
    reader = PdfReader(str(out))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert f"Laporan tahunan TPPO {year}" in text
    for title in ("Korban teridentifikasi menurut jenis kelamin", "Korban teridentifikasi menurut kelompok umur",
                  "Korban teridentifikasi menurut negara eksploitasi", "Rujukan antarlembaga menurut jenis",
                  "Pemulangan menurut pintu masuk", "Lama sampai pemulangan", "Kasus per kabupaten/kota asal"):
        assert title in text, title
    victims = Case.objects.filter(reported_on__year=year, victim_status="ActualVictimOfTrafficking").count()
    assert str(victims) in text
    assert AuditEvent.objects.filter(object_type="annual_report", action="export").exists()


def test_report_in_english_as_excel_has_one_sheet_per_table(world, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    year = _year()
    call_command("report", "--year", str(year), "--province", "53", "--format", "xlsx", "--out", str(out),
                 "--language", "en")
    wb = load_workbook(str(out))
    titles = [wb[name]["A1"].value for name in wb.sheetnames]
    assert "Identified victims by sex" in titles and "Referrals between agencies by type" in titles
    assert len(wb.sheetnames) == 10  # the notes and nine tables
    sheet = wb[wb.sheetnames[titles.index("Identified victims by sex")]]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    total = rows[-1]
    assert total[0] == "Total"
    victims = Case.objects.filter(reported_on__year=year, origin_province_id="53",
                                  victim_status="ActualVictimOfTrafficking").count()
    assert total[1] == (victims if victims >= 5 or victims == 0 else "<5")


def test_release_command_writes_csv_and_json(world, tmp_path, capsys):
    out = tmp_path / "release.csv"
    call_command("release", "--k", "5", "--out", str(out))
    rows = list(csv.DictReader(out.open()))
    assert rows and set(rows[0]) >= {"yearOfRegistration", "gender", "ageBroad", "citizenship",
                                     "CountryOfExploitation", "traffickMonths", "recruiterRelation",
                                     "meansOfControlDebtBondage", "typeOfExploitation"}
    assert "suppressed" in capsys.readouterr().out
    out = tmp_path / "release.json"
    call_command("release", "--k", "11", "--out", str(out))
    data = json.loads(out.read_text())
    assert data["release"]["k"] == 11 and len(data["records"]) == data["release"]["released"]
    row = AuditEvent.objects.filter(object_type="deidentified_release").latest("id")
    assert row.action == "export" and row.detail["k"] == 11


def test_release_command_refuses_a_bad_k(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("release", "--k", "1", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError):
        call_command("release", "--k", "5", "--quasi", "name", "--out", str(tmp_path / "x.csv"))
