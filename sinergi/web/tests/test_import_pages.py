import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.transfer import samples, services
from sinergi.transfer.enums import JobStatus, Phase
from sinergi.transfer.models import ImportJob

pytestmark = pytest.mark.django_db

VILLAGES = {"53": ["53.01.04.2003", "53.10.01.2001"], "35": ["35.07.01.2001"]}


@pytest.fixture
def agency():
    return AgencyFactory(code="uptd-ntt", name="UPTD PPA NTT")


@pytest.fixture
def importer(agency, client):
    user = user_with_role(Role.CASE_MANAGER, agency, username="manajer")
    assert client.login(username=user.username, password=PASSWORD)
    return user


@pytest.fixture
def rows():
    return samples.sample_rows(6, villages=VILLAGES)


def upload(client, data: bytes, name="kasus.csv", content_type="text/csv", **extra):
    with_commit = extra.pop("capture", None)
    payload = {"file": SimpleUploadedFile(name, data, content_type=content_type), **extra}
    if with_commit is None:
        return client.post(reverse("web:case_import"), payload)
    with with_commit(execute=True):
        return client.post(reverse("web:case_import"), payload)


def test_good_csv_runs_in_background_and_job_page_shows_counts(client, importer, agency, rows,
                                                              django_capture_on_commit_callbacks):
    r = upload(client, samples.to_csv(rows), capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("web:case_import_job", args=[job.pk])
    assert job.status == JobStatus.COMPLETED and job.created_by == importer and job.agency == agency
    assert (job.total_rows, job.processed_rows, job.created_count, job.rejected_count) == (6, 6, 6, 0)
    assert Case.objects.filter(lead_agency=agency).count() == 6
    assert not job.upload and not job.rejected_file  # the stored upload is gone once run; nothing was rejected
    page = client.get(r["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert 'max="6" value="6"' in body and "Impor selesai." in body
    assert 'http-equiv="refresh"' not in body and "hx-trigger" not in body  # finished: no more polling
    assert "rejected.csv" not in body
    listing = client.get(reverse("web:case_import")).content.decode()
    assert reverse("web:case_import_job", args=[job.pk]) in listing and "kasus.csv" in listing


def test_bad_file_imports_nothing_and_lists_every_rejected_row(client, importer, agency, rows,
                                                              django_capture_on_commit_callbacks):
    rows[1]["prs_Birthdate"] = "2099-01-01"
    rows[3]["prs_Gender"] = "Perempuan"
    rows[3]["sng_EstimatedAge"] = "=1+1"
    r = upload(client, samples.to_csv(rows), capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REFUSED and job.rejected_count == 2 and job.error_count == 3
    assert Case.objects.count() == 0
    body = client.get(r["Location"]).content.decode()
    assert "Tidak ada yang diimpor" in body
    assert "prs_Birthdate" in body and "prs_Gender" in body
    download = reverse("web:case_import_rejected", args=[job.pk])
    assert download in body
    before = AuditEvent.objects.filter(action="export", object_type="import_job").count()
    got = client.get(download)
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    assert "attachment" in got["Content-Disposition"]
    table = list(csv.reader(io.StringIO(b"".join(got.streaming_content).decode())))
    assert table[0][:3] == ["line", "field", "reason"] and "sng_ExternalId" in table[0]
    by_key = {(r[0], r[1]): dict(zip(table[0], r)) for r in table[1:]}
    assert set(by_key) == {("3", "prs_Birthdate"), ("5", "prs_Gender"), ("5", "sng_EstimatedAge")}
    assert by_key[("3", "prs_Birthdate")]["sng_ExternalId"] == rows[1]["sng_ExternalId"]
    assert by_key[("3", "prs_Birthdate")]["prs_Birthdate"] == "2099-01-01"
    assert "masa depan" in by_key[("3", "prs_Birthdate")]["reason"]
    assert by_key[("5", "prs_Gender")]["sng_FullName"] == rows[3]["sng_FullName"]
    assert by_key[("5", "prs_Gender")]["sng_EstimatedAge"] == "'=1+1"  # a spreadsheet does not run it
    audit = AuditEvent.objects.filter(action="export", object_type="import_job")
    assert audit.count() == before + 1
    row = audit.latest("seq")
    assert row.object_id == str(job.pk) and row.user_id == importer.pk and row.agency_id == agency.pk


def test_partial_mode_imports_good_rows_and_lists_bad_ones(client, importer, agency, rows,
                                                           django_capture_on_commit_callbacks):
    rows[2]["hte_Country"] = "Kamboja"
    r = upload(client, samples.to_json(rows), name="kasus.json", content_type="application/json", partial="on",
               capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.partial and job.format == "json"
    assert job.status == JobStatus.COMPLETED and (job.created_count, job.rejected_count) == (5, 1)
    assert Case.objects.count() == 5
    body = client.get(r["Location"]).content.decode()
    assert "1 baris ditolak" in body and "hte_Country" in body
    got = client.get(reverse("web:case_import_rejected", args=[job.pk]))
    table = list(csv.reader(io.StringIO(b"".join(got.streaming_content).decode())))
    assert len(table) == 2 and table[1][1] == "hte_Country"
    assert dict(zip(table[0], table[1]))["sng_ExternalId"] == rows[2]["sng_ExternalId"]


@pytest.mark.parametrize("name,content_type,data,message", [
    ("kasus.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04xx", ".csv"),
    ("kasus.csv", "image/png", b"\x89PNG\r\n\x1a\n", "tidak diizinkan"),
    ("kasus.csv", "text/csv", b"sng_ExternalId\x00,x\n", "UTF-8"),
    ("kasus.json", "application/json", b'{"sng_ExternalId": "A"}', "daftar objek"),
    ("kasus.csv", "text/csv", b"", "kosong"),
])
def test_wrong_file_is_a_field_error_and_nothing_is_queued(client, importer, name, content_type, data, message):
    r = upload(client, data, name=name, content_type=content_type)
    assert r.status_code == 400
    field_errors = r.context["form"].errors.get("file")
    assert field_errors and message in " ".join(field_errors)
    assert 'id="id_file_error"' in r.content.decode()
    assert ImportJob.objects.count() == 0


def test_oversized_file_is_a_field_error(client, importer, settings, rows):
    settings.SINERGI_IMPORT_MAX_BYTES = 100
    r = upload(client, samples.to_csv(rows))
    assert r.status_code == 400
    assert "terlalu besar" in " ".join(r.context["form"].errors["file"])
    assert ImportJob.objects.count() == 0


def test_other_agency_gets_404_on_job_and_download(client, importer, rows, django_capture_on_commit_callbacks):
    rows[0]["prs_Gender"] = "Perempuan"
    upload(client, samples.to_csv(rows), capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.rejected_file
    outsider = user_with_role(Role.SUPERVISOR, AgencyFactory())
    client.logout()
    client.login(username=outsider.username, password=PASSWORD)
    before = AuditEvent.objects.filter(action="export").count()
    assert client.get(reverse("web:case_import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("web:case_import_rejected", args=[job.pk])).status_code == 404
    assert "kasus.csv" not in client.get(reverse("web:case_import")).content.decode()
    assert AuditEvent.objects.filter(action="export").count() == before


def test_users_without_the_import_permission_get_404(client, agency, importer, rows,
                                                     django_capture_on_commit_callbacks):
    rows[0]["prs_Gender"] = "Perempuan"
    upload(client, samples.to_csv(rows), capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    for role in (Role.INTAKE_OFFICER, Role.ANALYST, Role.AGENCY_ADMIN):
        user = user_with_role(role, agency)  # same agency, but no case.import
        client.logout()
        client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("web:case_import")).status_code == 404
        assert upload(client, samples.to_csv(rows)).status_code == 404
        assert client.get(reverse("web:case_import_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("web:case_import_rejected", args=[job.pk])).status_code == 404
        home = client.get(reverse("web:home")).content.decode()
        assert reverse("web:case_import") not in home
    assert ImportJob.objects.count() == 1


def test_menu_and_case_list_link_for_importers(client, importer):
    body = client.get(reverse("web:case_list")).content.decode()
    assert body.count(f'href="{reverse("web:case_import")}"') == 2


def test_several_agencies_must_choose_one(client, agency, rows, django_capture_on_commit_callbacks):
    other = AgencyFactory(name="Dinsos NTT")
    user = user_with_role(Role.SUPERVISOR, agency, username="dua")
    user.memberships.create(agency=other, role=Role.CASE_MANAGER)
    client.login(username=user.username, password=PASSWORD)
    r = upload(client, samples.to_csv(rows))
    assert r.status_code == 400 and r.context["form"].errors["agency"]
    r = upload(client, samples.to_csv(rows), agency=str(other.pk), capture=django_capture_on_commit_callbacks)
    assert r.status_code == 302
    assert ImportJob.objects.get().agency == other and Case.objects.filter(lead_agency=other).count() == 6


def test_running_job_page_polls_and_refreshes_without_js(client, importer, agency):
    job = ImportJob.objects.create(created_by=importer, agency=agency, format="csv", status=JobStatus.RUNNING,
                                   phase=Phase.VALIDATE, total_rows=1000, processed_rows=250, filename="besar.csv")
    url = reverse("web:case_import_job", args=[job.pk])
    body = client.get(url).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body
    assert f'hx-get="{url}"' in body and 'hx-trigger="every 2s"' in body
    assert 'max="1000" value="250"' in body and "250 dari 1.000 baris" in body
    with CaptureQueriesContext(connection) as queries:
        part = client.get(url, headers={"HX-Request": "true"})
    # A poll writes nothing (not even the session), so SQLite answers it while an import holds the write lock.
    assert not [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert part.status_code == 200 and "<html" not in part.content.decode()
    assert 'id="import-job"' in part.content.decode()
    # Writing: one transaction nobody else can see into, so the bar shows activity, not a made-up measure.
    ImportJob.objects.filter(pk=job.pk).update(phase=Phase.WRITE, processed_rows=1000)
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'value="' not in body and "satu transaksi" in body


def test_progress_is_published_in_batches_outside_the_import_transaction(client, importer, rows, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    """Each progress update is committed at the caller's level (autocommit in the worker), never inside the
    transaction that writes the cases, where PostgreSQL would hide it from the polling page until the end."""
    monkeypatch.setattr(services, "BATCH", 2)
    depth = {}
    seen = []
    real_publish, real_write = services._publish, services._write

    def spy_publish(job, **fields):
        real_publish(job, **fields)
        stored = ImportJob.objects.values("phase", "processed_rows", "total_rows", "progress").get(pk=job.pk)
        seen.append((len(connection.atomic_blocks), stored))

    def spy_write(*args, **kwargs):
        depth["write"] = len(connection.atomic_blocks)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(services, "_publish", spy_publish)
    monkeypatch.setattr(services, "_write", spy_write)
    depth["outer"] = len(connection.atomic_blocks)
    upload(client, samples.to_csv(rows), capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.COMPLETED and job.progress == 100
    validated = [s["processed_rows"] for _, s in seen if s["phase"] == Phase.VALIDATE]
    assert validated == [0, 2, 4, 6, 6]  # every BATCH rows, visible in the row as the import goes
    assert [s["progress"] for _, s in seen if s["phase"] == Phase.VALIDATE] == [0, 13, 26, 40, 40]
    assert seen[-1][1]["phase"] == Phase.WRITE
    assert {d for d, _ in seen} == {depth["outer"]}  # never inside the import's transaction
    assert depth["write"] > depth["outer"]


def test_upload_page_lists_the_columns_and_offers_a_template(client, importer):
    from sinergi.transfer.columns import COLUMNS

    body = client.get(reverse("web:case_import")).content.decode()
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in body, column.name
    assert "reported, located" in body  # the values a column of Sinergi's own list takes
    assert reverse("api-vocabularies") in body  # and where the HTCDS picklists' values are
    assert reverse("web:case_import_template") in body
    template = client.get(reverse("web:case_import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    header = template.content.decode().splitlines()[0].split(",")
    assert header[0] == "sng_ExternalId" and "prs_Gender" in header and "vic_TypeOfExploitation" in header


def test_a_refused_value_is_answered_with_the_allowed_ones():
    from sinergi.transfer.columns import BY_NAME
    from sinergi.transfer.rows import Bad, Lookups, _parser

    parse = _parser(BY_NAME["prs_Gender"], Lookups.load())
    assert parse("masculine") == "Masculine"
    with pytest.raises(Bad) as refused:
        parse("Male")
    message = str(refused.value)
    assert "Male" in message and "Masculine" in message and "Feminine" in message
