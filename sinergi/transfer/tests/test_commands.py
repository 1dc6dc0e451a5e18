import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.models import Case
from sinergi.cases.tests.factories import CaseFactory
from sinergi.transfer import samples

pytestmark = pytest.mark.django_db


def call(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_command_reports_counts_and_progress(supervisor, agency, rows, tmp_path):
    path = tmp_path / "kasus.csv"
    path.write_bytes(samples.to_csv(rows))
    out, err = call("import_cases", str(path), "--user", supervisor.username)
    assert "20 kasus baru" in out
    assert "rows/s" in err and "write: 20/20" in err
    out, _ = call("import_cases", str(path), "--user", supervisor.username, "--agency", agency.code)
    assert "0 kasus baru" in out and "20 sudah ada" in out
    assert Case.objects.count() == 20


def test_import_command_exits_1_and_lists_errors_when_refused(supervisor, agency, rows, tmp_path):
    rows[1]["hte_Country"] = "XX"
    rows[4]["prs_Gender"] = "wanita"
    path = tmp_path / "kasus.json"
    path.write_bytes(samples.to_json(rows))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_cases", str(path), "--user", supervisor.username, stderr=err)
    assert info.value.returncode == 1
    assert "ditolak" in str(info.value)
    text = err.getvalue()
    assert "baris 3, hte_Country" in text and "baris 6, prs_Gender" in text
    assert Case.objects.count() == 0


def test_import_command_partial(supervisor, agency, rows, tmp_path):
    rows[1]["hte_Country"] = "XX"
    path = tmp_path / "kasus.csv"
    path.write_bytes(samples.to_csv(rows))
    out, err = call("import_cases", str(path), "--user", supervisor.username, "--partial")
    assert "19 kasus baru" in out and "1 baris ditolak" in out and "baris 3, hte_Country" in err


@pytest.mark.parametrize("args", [
    ["missing.csv", "--user", "spv"],
    ["{file}", "--user", "nobody"],
    ["{file}", "--user", "intake"],
    ["{file}", "--user", "spv", "--agency", "tidak-ada"],
])
def test_import_command_refusals_exit_1(supervisor, agency, rows, tmp_path, args):
    user_with_role(Role.INTAKE_OFFICER, agency, username="intake")
    path = tmp_path / "kasus.csv"
    path.write_bytes(samples.to_csv(rows))
    with pytest.raises(CommandError) as info:
        call("import_cases", *[a.replace("{file}", str(path)) for a in args])
    assert info.value.returncode == 1
    assert Case.objects.count() == 0


def test_export_command_to_file_and_stdout(supervisor, agency, tmp_path):
    cases = [CaseFactory(lead_agency=agency) for _ in range(2)]
    target = tmp_path / "out.json"
    _, err = call("export_cases", "--user", supervisor.username, "--format", "json", "-o", str(target))
    assert "2 kasus diekspor" in err
    assert {r["sng_ExternalId"] for r in json.loads(target.read_text())} == {c.reference for c in cases}
    out, _ = call("export_cases", "--user", supervisor.username, "--format", "csv", "--stage", "reported",
                  "--country", "KH")
    assert out.count("\n") == 3


def test_export_command_exits_1_without_permission_or_with_bad_filters(supervisor, agency):
    manager = user_with_role(Role.CASE_MANAGER, agency)
    with pytest.raises(CommandError) as info:
        call("export_cases", "--user", manager.username, "--format", "csv")
    assert info.value.returncode == 1
    with pytest.raises(CommandError):
        call("export_cases", "--user", supervisor.username, "--format", "csv", "--reported-from", "kemarin")
    with pytest.raises(CommandError):
        call("export_cases", "--user", supervisor.username, "--format", "csv", "--agency", AgencyFactory().code)
