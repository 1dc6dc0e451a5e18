"""Branches and directors of placement agencies from the official registry: idempotent, line and field errors."""

import io

import pytest

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.recruitment.imports import registry_import
from sinergi.recruitment.models import Branch, Director

pytestmark = pytest.mark.django_db

AGENCIES = b"""licence_number,name,status,status_from
KEP-1/2020,PT Maju Jaya,active,2020-01-10
KEP-2/2021,PT Sentosa Abadi,active,2021-03-01
"""
BRANCHES = b"""licence_number,region_code,address
KEP-1/2020,53.71,Jl. El Tari 5 Kota Kupang
KEP-1/2020,35.78,Jl. Darmo 10 Surabaya
KEP-2/2021,53.71,
"""
DIRECTORS = b"""licence_number,name,position
KEP-1/2020,Maria Ndun,Direktur Utama
KEP-1/2020,H. Ahmad Yani,Komisaris
KEP-2/2021,Yohanes Bria,Direktur
"""


@pytest.fixture
def officer():
    officer = user_with_role(Role.SUPERVISOR, AgencyFactory(name="BP3MI NTT", type=AgencyType.MIGRANT_WORKER_PROTECTION))
    assert registry_import(actor=officer, kind="agencies", data=AGENCIES, filename="p3mi.csv").imported
    return officer


def errors_of(result):
    return {(e["line"], e["field"]) for e in result.errors}


def test_branches_import_and_reimport_changes_nothing(officer):
    r = registry_import(actor=officer, kind="branches", data=BRANCHES, filename="cabang.csv")
    assert r.imported and not r.errors and r.created == 3
    kupang = Branch.objects.get(agency__licence_number="KEP-1/2020", region_id="53.71")
    assert kupang.address == "Jl. El Tari 5 Kota Kupang" and kupang.region.name == "Kota Kupang"
    assert AuditEvent.objects.filter(action="import", object_type="registry.branches").exists()
    before = list(Branch.objects.order_by("id").values_list("id", "address", "updated_at"))
    again = registry_import(actor=officer, kind="branches", data=BRANCHES, filename="cabang.csv")
    assert again.imported and again.created == 0 and again.updated == 0 and again.unchanged == 3
    assert list(Branch.objects.order_by("id").values_list("id", "address", "updated_at")) == before
    # Spacing and case of the address do not make a new branch.
    spaced = b"licence_number,region_code,address\nKEP-1/2020,53.71,  jl. el tari 5   kota kupang\n"
    assert registry_import(actor=officer, kind="branches", data=spaced, filename="cabang.csv").unchanged == 1
    assert Branch.objects.count() == 3


def test_branch_without_address_is_completed_not_duplicated(officer):
    registry_import(actor=officer, kind="branches", data=BRANCHES, filename="cabang.csv")
    filled = b"licence_number,region_code,address\nKEP-2/2021,53.71,Jl. Timor Raya 8\n"
    r = registry_import(actor=officer, kind="branches", data=filled, filename="cabang.csv")
    assert r.updated == 1 and r.created == 0
    assert list(Branch.objects.filter(agency__licence_number="KEP-2/2021").values_list("address", flat=True)) == \
        ["Jl. Timor Raya 8"]
    # The original file (no address for that branch) still changes nothing.
    again = registry_import(actor=officer, kind="branches", data=BRANCHES, filename="cabang.csv")
    assert again.created == 0 and again.updated == 0 and Branch.objects.count() == 3


def test_branches_from_excel(officer):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["licence_number", "region_code", "address"])
    wb.active.append(["KEP-2/2021", "35.78", "Jl. Pemuda 1"])
    buf = io.BytesIO()
    wb.save(buf)
    r = registry_import(actor=officer, kind="branches", data=buf.getvalue(), filename="cabang.xlsx")
    assert r.imported and r.created == 1, r.errors


def test_branch_errors_with_line_and_field_all_or_nothing(officer):
    bad = BRANCHES + b"KEP-9/1999,53.71,Jl. Palsu\nKEP-1/2020,99.99,Jl. Entah\n,53.71,Jl. Tanpa Izin\nKEP-2/2021,,Jl. Tanpa Wilayah\n"
    r = registry_import(actor=officer, kind="branches", data=bad, filename="cabang.csv")
    assert not r.imported and Branch.objects.count() == 0
    assert errors_of(r) == {(5, "licence_number"), (6, "region_code"), (7, "licence_number"), (8, "region_code")}
    assert all(e["message"] for e in r.errors)
    partial = registry_import(actor=officer, kind="branches", data=bad, filename="cabang.csv", partial=True)
    assert partial.imported and partial.created == 3 and Branch.objects.count() == 3
    assert errors_of(partial) == errors_of(r)
    assert AuditEvent.objects.get(object_type="registry.branches").detail["rejected_lines"] == [5, 6, 7, 8]


def test_branch_file_without_required_column(officer):
    r = registry_import(actor=officer, kind="branches", data=b"licence_number,address\nKEP-1/2020,Jl. A\n",
                        filename="cabang.csv")
    assert not r.imported and errors_of(r) == {(1, "region_code")}


def test_duplicate_branch_in_file(officer):
    dup = BRANCHES + b"KEP-1/2020,53.71,JL. EL TARI 5 KOTA KUPANG\n"
    r = registry_import(actor=officer, kind="branches", data=dup, filename="cabang.csv")
    assert not r.imported and errors_of(r) == {(5, "licence_number")}


def test_directors_import_and_reimport_changes_nothing(officer):
    r = registry_import(actor=officer, kind="directors", data=DIRECTORS, filename="direksi.csv")
    assert r.imported and r.created == 3 and not r.errors
    assert AuditEvent.objects.filter(action="import", object_type="registry.directors").exists()
    again = registry_import(actor=officer, kind="directors", data=DIRECTORS, filename="direksi.csv")
    assert again.created == 0 and again.updated == 0 and again.unchanged == 3 and Director.objects.count() == 3
    # The same person written differently is matched by the normalised name; the new position is taken.
    moved = b"licence_number,name,position\nKEP-1/2020,h ahmad  YANI,Direktur\n"
    r = registry_import(actor=officer, kind="directors", data=moved, filename="direksi.csv")
    assert r.updated == 1 and r.created == 0 and Director.objects.count() == 3
    d = Director.objects.get(agency__licence_number="KEP-1/2020", position="Direktur")
    assert d.name == "h ahmad  YANI"
    # A file without the position column leaves positions as they are.
    names_only = b"licence_number,name\nKEP-1/2020,Maria Ndun\n"
    assert registry_import(actor=officer, kind="directors", data=names_only, filename="direksi.csv").unchanged == 1
    assert Director.objects.get(name="Maria Ndun").position == "Direktur Utama"


def test_director_errors_with_line_and_field_and_partial(officer):
    bad = DIRECTORS + b"KEP-404/2000,Budi,Direktur\nKEP-1/2020,,Direktur\n,Ani,Direktur\nKEP-1/2020,Maria  Ndun,Direktur\n"
    r = registry_import(actor=officer, kind="directors", data=bad, filename="direksi.csv")
    assert not r.imported and Director.objects.count() == 0
    assert errors_of(r) == {(5, "licence_number"), (6, "name"), (7, "licence_number"), (8, "licence_number")}
    dup = next(e for e in r.errors if e["line"] == 8)
    assert "uplikat" in dup["message"]
    partial = registry_import(actor=officer, kind="directors", data=bad, filename="direksi.csv", partial=True)
    assert partial.imported and partial.created == 3 and Director.objects.count() == 3


def test_unknown_kind_is_an_error(officer):
    r = registry_import(actor=officer, kind="shareholders", data=DIRECTORS, filename="x.csv")
    assert not r.imported and errors_of(r) == {(0, "kind")}
