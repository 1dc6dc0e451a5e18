"""``sinergi link RECORDS.csv --out DIR`` on small files, well formed and malformed. No test here may touch the
database (pytest-django refuses any access without the ``django_db`` mark): the command works on files alone."""

from __future__ import annotations

import csv
import json

import pytest
from django.utils import translation

from sinergi.cli import main
from sinergi.linkage import synthetic
from sinergi.linkage.records import COLUMNS


def write_rows(path, rows, columns=COLUMNS):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for r in rows:
            writer.writerow([r.get(c, "") for c in columns])
    return path


def read(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def records_csv(tmp_path_factory):
    rows, truth = synthetic.generate(400, seed=21, as_of_year=2026)
    return write_rows(tmp_path_factory.mktemp("link") / "records.csv", rows), truth


def run(*args) -> int:
    return main(["link", *map(str, args)])


@pytest.mark.slow
def test_link_writes_clusters_and_pairs_with_exactly_their_columns(records_csv, tmp_path, capsys):
    path, truth = records_csv
    out = tmp_path / "out"
    assert run(path, "--out", out, "--as-of-year", 2026, "--explain", "--save-model", tmp_path / "m.json",
               "--index", tmp_path / "i.duckdb") == 0
    clusters = read(out / "clusters.csv")
    pairs = read(out / "pairs.csv")
    assert clusters[0] == ["record_id", "cluster_id"]
    assert pairs[0] == ["record_id_l", "record_id_r", "match_probability"]
    assert sorted(r[0] for r in clusters[1:]) == sorted(truth)
    cluster_ids = {r[1] for r in clusters[1:]}
    assert cluster_ids <= set(truth)  # a cluster is named by one of its records
    assert all(0.5 <= float(p[2]) <= 1 for p in pairs[1:])
    explanations = [json.loads(line) for line in (out / "explanations.jsonl").read_text().splitlines()]
    assert len(explanations) == len(pairs) - 1
    assert {f["field"] for f in explanations[0]["fields"]} == {"name", "sex", "birth", "origin", "passport", "phone"}
    assert json.loads((tmp_path / "m.json").read_text())["comparisons"]
    assert (tmp_path / "i.duckdb").is_file()
    printed = capsys.readouterr().out
    assert "400 catatan" in printed and "orang" in printed


@pytest.mark.slow
def test_link_with_a_saved_model_and_in_english(records_csv, tmp_path, capsys, settings):
    path, _ = records_csv
    assert run(path, "--out", tmp_path / "a", "--save-model", tmp_path / "m.json", "--as-of-year", 2026) == 0
    capsys.readouterr()
    settings.LANGUAGE_CODE = "en"  # an instance set up in English (SINERGI_LANGUAGE_CODE=en)
    assert run(path, "--out", tmp_path / "b", "--model", tmp_path / "m.json", "--as-of-year", 2026,
               "--threshold", "0.9") == 0
    assert "records" in capsys.readouterr().out
    assert read(tmp_path / "b" / "clusters.csv")[0] == ["record_id", "cluster_id"]


def failure(capsys, *args) -> str:
    assert run(*args) != 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return captured.err


def test_missing_columns(tmp_path, capsys):
    path = write_rows(tmp_path / "r.csv", [{"record_id": "1", "full_name": "Siti"}], columns=["record_id", "full_name"])
    err = failure(capsys, path, "--out", tmp_path / "o")
    assert "Kolom tidak ada" in err and "date_of_birth" in err and "phone" in err
    assert not (tmp_path / "o" / "clusters.csv").exists()


def test_duplicate_and_empty_record_ids(tmp_path, capsys):
    rows = [{"record_id": "a", "full_name": "Siti"}, {"record_id": "b", "full_name": "Sri"},
            {"record_id": "a", "full_name": "Joko"}, {"record_id": "", "full_name": "Budi"}]
    err = failure(capsys, write_rows(tmp_path / "r.csv", rows), "--out", tmp_path / "o")
    assert "baris 4" in err and "record_id a ganda (juga di baris 2)" in err
    assert "baris 5" in err and "record_id kosong" in err


def test_bad_dates_are_listed_by_line_and_can_be_treated_as_empty(tmp_path, capsys):
    rows = [{"record_id": "a", "full_name": "Siti Aminah", "date_of_birth": "31/02/1990"},
            {"record_id": "b", "full_name": "Siti Aminah", "age_estimate": "tua sekali"},
            {"record_id": "c", "full_name": "Siti Aminah", "date_of_birth": "1990-02-03"}]
    path = write_rows(tmp_path / "r.csv", rows)
    err = failure(capsys, path, "--out", tmp_path / "o")
    assert "baris 2, date_of_birth: Tanggal lahir tidak terbaca: 31/02/1990" in err
    assert "baris 3, age_estimate: Perkiraan umur tidak terbaca: tua sekali" in err


@pytest.mark.slow
def test_lenient_dates_link_the_rest(tmp_path):
    rows = [{"record_id": "a", "full_name": "Siti Aminah", "date_of_birth": "31/02/1990"},
            {"record_id": "b", "full_name": "Siti Aminah", "age_estimate": "tua sekali"},
            {"record_id": "c", "full_name": "Siti Aminah", "date_of_birth": "1990-02-03"}]
    path = write_rows(tmp_path / "r.csv", rows)
    assert run(path, "--out", tmp_path / "o", "--lenient-dates") == 0
    assert len(read(tmp_path / "o" / "clusters.csv")) == 4


def test_unreadable_files(tmp_path, capsys):
    assert "tidak dapat dibaca" in failure(capsys, tmp_path / "nothing.csv", "--out", tmp_path / "o")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(",".join(COLUMNS).encode() + b"\n1,x,Jos\xe9,,,,,,\n")
    assert "UTF-8" in failure(capsys, latin, "--out", tmp_path / "o")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "kosong" in failure(capsys, empty, "--out", tmp_path / "o")
    header_only = write_rows(tmp_path / "h.csv", [])
    assert "tidak berisi" in failure(capsys, header_only, "--out", tmp_path / "o")


def test_bad_options_are_refused_in_the_instance_language(records_csv, tmp_path, capsys, settings):
    path, _ = records_csv
    with translation.override("en"):  # whatever the calling thread had active: the instance's language
        assert main(["link", str(path), "--out", str(tmp_path), "--threshold", "2"]) == 2
    assert "harus di antara 0 dan 1" in capsys.readouterr().err
    settings.LANGUAGE_CODE = "en"
    err = failure(capsys, path, "--out", tmp_path / "o", "--model", tmp_path / "none.json")
    assert "Model not found" in err
