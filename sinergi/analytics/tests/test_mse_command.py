"""``sinergi estimate``: output on the right streams, and a clear message and exit 1 for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sinergi.cli import main

from . import mse_data

GOOD = "A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n1,0,1,5\n0,1,1,4\n1,1,1,2\n"


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "captures.csv") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["estimate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_on_stdout_and_the_table_on_stderr(capsys, write):
    code, out, err = run(capsys, write(mse_data.WESTERN), "--bootstrap", "200")
    assert code == 0
    document = json.loads(out)
    assert document["observed"] == 345
    assert document["model"]["interactions"] == ["A:E"]
    assert document["interval"]["replicates"] == 200
    assert "Perkiraan jumlah seluruhnya" in err and "A:E" in err


def test_table_only_in_english(capsys, write):
    code, out, err = run(capsys, write(GOOD), "--format", "table", "--lang", "en", "--bootstrap", "0")
    assert code == 0 and err == ""
    assert out.startswith("Multiple systems estimation (MSE)")
    assert "Estimated total" in out and "People seen" in out


def test_json_only(capsys, write):
    code, out, err = run(capsys, write(GOOD), "--format", "json", "--method", "bic", "--bootstrap", "100")
    assert code == 0 and err == ""
    assert json.loads(out)["selection"]["method"] == "bic"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,C\n1,0,0\n", "There is no count column"),
        ("A,B,count\n1,0,ten\n0,1,3\n1,1,2\n", "Line 2: the count 'ten' is not a whole number"),
        ("A,B,count\n1,0,-4\n0,1,3\n1,1,2\n", "Line 2: the count -4 is negative"),
        ("A,B,count\n1,0,4\n0,2,3\n1,1,2\n", "the value '2' is not 0 or 1"),
        ("A,B,C,count\n1,0,0,10\n0,1,0,8\n0,0,1,9\n1,1,0,3\n", "List C shares nobody with any other list"),
        ("A,count\n1,10\n", "At least two lists"),
        ("A,B,count\n0,0,7\n1,0,3\n0,1,2\n1,1,1\n", "the row with no list holds 7 people"),
        ("", "The file is empty"),
    ],
)
def test_malformed_input_gives_a_clear_message_and_exit_1(capsys, write, text, message):
    code, out, err = run(capsys, write(text), "--lang", "en")
    assert code == 1
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_messages_follow_the_interface_language(capsys, write):
    code, _out, err = run(capsys, write("A,B,C\n1,0,0\n"))
    assert code == 1 and "Kolom count tidak ada" in err


def test_duplicate_rows_are_added_up_and_said_so(capsys, write):
    code, out, err = run(capsys, write(GOOD + "1,0,0,10\n"), "--lang", "en", "--bootstrap", "0")
    assert code == 0
    assert json.loads(out)["notes"][0]["code"] == "rows_aggregated"
    assert "counts were added up" in err


def test_a_missing_file_and_bad_options(capsys, tmp_path, write):
    code, _out, err = run(capsys, str(tmp_path / "nope.csv"), "--lang", "en")
    assert code == 1 and "cannot be read" in err and "Traceback" not in err
    code, _out, err = run(capsys, write(GOOD), "--level", "1.5", "--lang", "en")
    assert code == 1 and "--level must be between 0 and 1" in err
    code, _out, err = run(capsys, "--lang", "en")
    assert code == 1 and "Name the capture-history table" in err
    code, _out, err = run(capsys, write(GOOD), "--method", "guess")  # argparse's own usage error
    assert code == 2 and "invalid choice" in err


def test_linkage_mode_reads_the_files_of_sinergi_link(capsys, tmp_path, write):
    records = ["record_id,source,full_name"]
    pairs = ["record_id_l,record_id_r,match_probability"]
    clusters = ["record_id,cluster_id"]
    n = 0
    for mask, count in [
        (0b001, 40),
        (0b010, 30),
        (0b100, 20),
        (0b011, 6),
        (0b101, 5),
        (0b110, 4),
        (0b111, 2),
    ]:
        for _ in range(count):
            ids = []
            for j, source in enumerate("ABC"):
                if mask >> j & 1:
                    ids.append(f"r{len(records)}")
                    records.append(f"{ids[-1]},{source},x")
            for a, b in zip(ids, ids[1:]):
                pairs.append(f"{a},{b},0.8")
            clusters += [f"{rid},p{n}" for rid in ids]
            n += 1
    out_dir = tmp_path / "linked"
    out_dir.mkdir()
    (out_dir / "pairs.csv").write_text("\n".join(pairs) + "\n")
    (out_dir / "clusters.csv").write_text("\n".join(clusters) + "\n")
    code, out, err = run(
        capsys,
        "--records",
        write("\n".join(records) + "\n", "records.csv"),
        "--linkage",
        str(out_dir),
        "--draws",
        "10",
        "--replicates-per-draw",
        "5",
        "--bootstrap",
        "100",
        "--lang",
        "en",
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["observed"] == 107
    assert document["linkage"]["draws"] == 10
    assert "Linkage uncertainty" in err


def test_runs_without_a_database(tmp_path):
    path = tmp_path / "captures.csv"
    path.write_text(GOOD)
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "SINERGI_DATA_DIR": str(tmp_path / "absent"),
        "DJANGO_SETTINGS_MODULE": "sinergi.config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "sinergi.cli", "estimate", str(path), "--bootstrap", "0", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["observed"] == 107


def test_the_caveats_for_the_page_exist_in_both_languages():
    from django.utils import translation

    from sinergi.analytics.mse import caveats

    with translation.override("id"):
        indonesian = caveats()
    with translation.override("en"):
        english = caveats()
    assert [c["code"] for c in english] == [
        "estimate_not_count",
        "hidden_meaning",
        "lists_must_overlap",
        "linkage_errors",
        "model_assumptions",
        "interval_meaning",
    ]
    assert all(i["text"] != e["text"] and e["title"] for i, e in zip(indonesian, english))
    assert "too large" in english[3]["text"] and "too small" in english[3]["text"]


def test_a_run_in_english_leaves_the_instance_language_behind(capsys, write):
    """The language of one run stays with that run: a later command in the same process speaks
    the instance's language again (a leak here once turned `sinergi link` English in the suite)."""
    from django.utils import translation

    before = translation.get_language()
    run(capsys, write(GOOD), "--format", "table", "--lang", "en", "--bootstrap", "0")
    assert translation.get_language() == before
    code, _out, err = run(capsys, write(GOOD), "--level", "1.5")
    assert code == 1 and "--level harus di antara 0 dan 1" in err


def test_commands_speak_the_instance_language_whatever_was_active(capsys, write):
    from django.utils import translation

    with translation.override("en"):
        code, _out, err = run(capsys, write(GOOD), "--level", "1.5")
        assert translation.get_language() == "en"
    assert code == 1 and "--level harus di antara 0 dan 1" in err
