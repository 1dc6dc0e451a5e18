"""``prepare_file`` (a whole file, column by column) against ``prepare(read_csv(path))`` (row by row): the same
table for every file the columnar way reads, and for every other file the same table or the same problems (line,
column, message), because such a file is handed to the row-by-row way. Every expectation here is the row-by-row
result on the same file, never a hard-coded table."""

from __future__ import annotations

import csv
import gzip
import multiprocessing

import pytest

from sinergi.linkage import records, synthetic
from sinergi.linkage.records import COLUMNS, InputError, prepare, prepare_file, read_csv

QUOTE_AND_COMMA = "Siti, S.Pd."


def write(path, rows, columns=COLUMNS, *, header=None, delimiter=",", encoding="utf-8", quoting=csv.QUOTE_MINIMAL,
          lineterminator="\r\n", extra=None):
    """``rows`` (dicts) as CSV; ``header`` replaces the header's names, ``extra`` adds columns (name → value)."""
    extra = extra or {}
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
        names = list(header or columns)
        writer.writerow([*names[:1], *extra, *names[1:]] if extra else names)
        for r in rows:
            values = [r.get(c, "") for c in columns]
            writer.writerow([*values[:1], *extra.values(), *values[1:]] if extra else values)
    return path


def outcome(path, **options):
    """The row-by-row result: the table, or the problems as (line, column, message)."""
    try:
        return prepare(read_csv(path), **options)
    except InputError as exc:
        return [(p.line, p.column, str(p.message)) for p in exc.problems]


def fast(path, **options):
    try:
        return prepare_file(path, **options)
    except InputError as exc:
        return [(p.line, p.column, str(p.message)) for p in exc.problems]


def same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return a == b
    return a.schema.equals(b.schema) and a.equals(b)


@pytest.fixture
def row_by_row(monkeypatch):
    """The calls ``prepare_file`` makes to the row-by-row ``prepare`` (none when it read the file by columns)."""
    calls = []

    def spy(rows, **options):
        calls.append(options)
        return prepare(rows, **options)

    monkeypatch.setattr(records, "prepare", spy)
    return calls


@pytest.fixture(scope="module")
def generated():
    rows, _ = synthetic.generate(3000, seed=11, as_of_year=2026)
    return rows


def people():
    """A few records using every column in awkward ways."""
    return [
        {"record_id": "a1", "source": "police", "full_name": "H. Muhammad Rizky, S.Pd.", "sex": "Laki-laki",
         "date_of_birth": "25/03/1990", "age_estimate": "", "origin_village": "33.74.10.1001",
         "passport": "b 1234567", "phone": "0812-3456-789"},
        {"record_id": "a2", "source": "", "full_name": "José Ñúñez", "sex": "", "date_of_birth": "",
         "age_estimate": "sekitar 25", "origin_village": "", "passport": "", "phone": ""},
        {"record_id": "a3", "source": "ngo", "full_name": "", "sex": "P", "date_of_birth": "1990",
         "age_estimate": "20an", "origin_village": "Desa Sukamaju", "passport": "", "phone": "+62 812 3456 789"},
        {"record_id": "a4", "source": "embassy", "full_name": "Nguyễn Thị Hoa\u00a0", "sex": "f",
         "date_of_birth": "3 Mei 1985", "age_estimate": "", "origin_village": "3374", "passport": "X12",
         "phone": "62812"},
        {"record_id": "\u3000a5 ", "source": " shelter\x1c", "full_name": " SITINURHAYATI ", "sex": " l ",
         "date_of_birth": " 1985-13-04 ", "age_estimate": " 30-35 tahun ", "origin_village": " 33 74 10 ",
         "passport": " ", "phone": "\t081234567890"},
        {"record_id": "a6", "source": "hotline", "full_name": "Ma'ruf \u041c\u0430\u0440\u0438\u044f 王", "sex": "x",
         "date_of_birth": "", "age_estimate": "", "origin_village": "", "passport": "", "phone": ""},
        {"record_id": "a7", "source": "", "full_name": "", "sex": "", "date_of_birth": "", "age_estimate": "",
         "origin_village": "", "passport": "", "phone": ""},
        {"record_id": "a8", "source": "police", "full_name": QUOTE_AND_COMMA, "sex": "perempuan",
         "date_of_birth": "19900325", "age_estimate": "25", "origin_village": "n", "passport": "AB-12;345",
         "phone": "0812\t3456\t7890"},
        {"record_id": "a9", "source": "police", "full_name": "Ani\nbinti Budi", "sex": "p",
         "date_of_birth": "02.03.1990", "age_estimate": "", "origin_village": "3374101001", "passport": "",
         "phone": ""},
        {"record_id": "a10", "source": "public", "full_name": 'Siti "Ani" Aminah', "sex": "",
         "date_of_birth": "", "age_estimate": "", "origin_village": "", "passport": "", "phone": ""},
    ]


def test_generated_records_give_the_same_table_in_the_same_batches(generated, tmp_path, row_by_row, monkeypatch):
    monkeypatch.setattr(records, "BATCH_ROWS", 700)
    path = write(tmp_path / "r.csv", generated)
    expected = outcome(path, as_of_year=2026)
    got = prepare_file(path, as_of_year=2026)
    assert not row_by_row  # read by columns
    assert got.num_rows == len(generated) and same(got, expected)
    assert [b.num_rows for b in got.to_batches()] == [b.num_rows for b in expected.to_batches()]
    assert same(prepare_file(path), outcome(path))  # this year for the ages
    assert not row_by_row


@pytest.mark.parametrize("variant", [
    {},
    {"delimiter": ";"},
    {"delimiter": "\t"},
    {"encoding": "utf-8-sig"},
    {"quoting": csv.QUOTE_ALL},
    {"lineterminator": "\n"},
    {"lineterminator": "\r"},
    {"header": [" Record_ID ", "SOURCE", "Full_Name  ", "Sex", " DATE_OF_BIRTH", "Age_Estimate", "ORIGIN_VILLAGE",
                "Passport", "PHONE"]},
    {"extra": {"notes": "kiri, kanan", "kutip": 'kata "ya"', "nomor": "7"}},
    {"delimiter": ";", "encoding": "utf-8-sig", "extra": {"catatan": "a;b"}},
], ids=["comma", "semicolon", "tab", "bom", "quote-all", "lf", "cr", "header-names", "extra-columns",
        "semicolon-bom-extra"])
def test_tricky_files_give_the_same_table_read_by_columns(variant, tmp_path, row_by_row):
    rows = people()
    if variant.get("lineterminator") == "\r":
        rows = [{**r, "full_name": r["full_name"].replace("\n", " ")} for r in rows]  # the writer would not quote it
    path = write(tmp_path / "r.csv", rows, **variant)
    expected = outcome(path, as_of_year=2026)
    assert not isinstance(expected, list), expected
    assert same(prepare_file(path, as_of_year=2026), expected)
    assert not row_by_row


def test_blank_lines_extra_columns_and_reordered_columns(generated, tmp_path, row_by_row):
    path = tmp_path / "r.csv"
    columns = ["phone", "notes", *reversed(COLUMNS[:-1])]
    lines = [",".join(columns)]
    for i, r in enumerate(generated[:400]):
        values = {**r, "notes": f'"{i}, catatan"'}
        lines.append(",".join(values[c] if c == "notes" else f'"{values[c]}"' if "," in values[c] else values[c]
                              for c in columns))
        if i % 50 == 0:
            lines += ["", ""]
    path.write_text("\n".join(lines) + "\n\n\n", encoding="utf-8")
    expected = outcome(path, as_of_year=2026)
    assert expected.num_rows == 400
    assert same(prepare_file(path, as_of_year=2026), expected)
    assert not row_by_row


def test_values_over_several_lines_across_arrow_blocks(generated, tmp_path, row_by_row, monkeypatch):
    monkeypatch.setattr(records, "BLOCK_BYTES", 4096)
    rows = [{**r, "full_name": r["full_name"].replace(" ", "\n", 1), "origin_village": r["origin_village"] + "\r\n"}
            for r in generated[:600]]
    path = write(tmp_path / "r.csv", rows)
    expected = outcome(path, as_of_year=2026)
    assert expected.num_rows == 600
    assert same(prepare_file(path, as_of_year=2026), expected)
    assert not row_by_row


def test_spaces_after_the_delimiter(tmp_path, row_by_row):
    # A header written "a, b, c" makes the CSV module skip the spaces before each field (and read ' "x, y"' as one
    # quoted field): the same by columns while no field is quoted; by rows otherwise.
    plain = tmp_path / "plain.csv"
    plain.write_text(", ".join(COLUMNS) + "\n" + "1, police, Siti Aminah, p, 1990-01-02, , 3374, , \n"
                     "2, ngo, Sri  Wahyuni, , , 30, , , 0812345678\n", encoding="utf-8")
    assert same(prepare_file(plain, as_of_year=2026), outcome(plain, as_of_year=2026))
    assert not row_by_row
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(", ".join(COLUMNS) + "\n" + '1, "police", Siti, p, 1990-01-02, , "3374", , \n'
                      '2, ngo, "Sri", , , 30, , , "0812345678"\n', encoding="utf-8")
    expected = outcome(quoted, as_of_year=2026)
    assert expected.column("source").to_pylist() == ["police", "ngo"]
    assert same(prepare_file(quoted, as_of_year=2026), expected)
    assert row_by_row


def write_lines(path, *lines, header=",".join(COLUMNS), data: bytes = b""):
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode() + data)
    return path


OK = "1,police,Siti Aminah,p,1990-01-02,,3374,,"


@pytest.mark.parametrize("lines", [
    (OK, "2,ngo,Sri,p,,,,,,extra,fields"),                        # too many fields: the CSV module ignores them
    (OK, "2,ngo,Sri"),                                             # too few: padded with empty values
    (OK, '2,ngo,"Sri unclosed,p,,,,,', "3,ngo,Dewi,p,,,,,"),      # an unclosed quote runs to the end
    (OK, "   ", "2,ngo,Sri,p,,,,,"),                               # a line of spaces is skipped
    (OK, '""', "2,ngo,Sri,p,,,,,"),                                # so is a line with one empty quoted field
], ids=["too-many-fields", "too-few-fields", "unclosed-quote", "spaces-line",
        "empty-quoted-line"])
def test_files_read_by_rows_give_the_same_outcome(lines, tmp_path, row_by_row):
    path = write_lines(tmp_path / "r.csv", *lines)
    expected = outcome(path, as_of_year=2026)
    assert same(fast(path, as_of_year=2026), expected)
    assert row_by_row


def test_a_header_over_two_lines_and_a_compressed_name(tmp_path, row_by_row):
    # The header's last name runs over two lines; its second line would pass for a record.
    header = ",".join(COLUMNS) + ',"notes\n0,ngo,Sri,p,,,,,,more"'
    two = write_lines(tmp_path / "two.csv", OK + ",x", "2,ngo,Sri,p,,,,,,y", header=header)
    assert same(fast(two), outcome(two))
    assert row_by_row
    named = write(tmp_path / "r.csv.gz", people())  # plain text, whatever its name says
    assert same(fast(named, as_of_year=2026), outcome(named, as_of_year=2026))
    zipped = tmp_path / "z.csv.gz"
    zipped.write_bytes(gzip.compress(named.read_bytes()))
    problems = fast(zipped)
    assert isinstance(problems, list) and problems == outcome(zipped)


@pytest.mark.parametrize("extra,lines,data", [
    ("", (OK, "2,ngo,Sri,p,,,,,", "1,ngo,Dewi,p,,,,,"), b""),                          # a repeated record_id
    ("", (OK, " ,ngo,Sri,p,,,,,", ",ngo,Dewi,p,,,,,"), b""),                           # empty record_ids
    ("", (OK, "2,ngo,Sri,p,31/02/1990,,,,", "3,ngo,Dewi,p,31/02/1990,,,,"), b""),      # a date that is none
    ("", (OK, "2,ngo,Sri,p,,tua sekali,,,", "3,ngo,Dewi,p,1990-13-13,200,,,"), b""),   # ages and a date
    ("", (OK, "2,ngo,Sri,p,,,,,"), b"3,ngo,Jos\xe9,p,,,,,\n"),                          # not UTF-8
    (",notes", (OK + ",", "2,ngo,Sri,p,,,,,,"), b"3,ngo,Dewi,p,,,,,,\xff\n"),           # ...in a column not read
    (",notes", (OK + ",", "2,ngo,Sri,p,,,,,,{long}"), b""),                               # a field too long
], ids=["repeated-id", "empty-id", "bad-date", "bad-age", "latin-1", "latin-1-other-column", "long-field"])
def test_problems_are_the_same_lines_columns_and_messages(extra, lines, data, tmp_path, row_by_row):
    lines = [line.replace("{long}", "x" * (csv.field_size_limit() + 1)) for line in lines]
    if data:  # past the part read_csv reads at once to find the delimiter
        width = len(COLUMNS) + bool(extra)
        lines += [",".join([f"x{i}", "ngo", "Sri Wahyuni", *[""] * (width - 3)]) for i in range(400)]
    path = write_lines(tmp_path / "r.csv", *lines, header=",".join(COLUMNS) + extra, data=data)
    expected = outcome(path, as_of_year=2026)
    assert isinstance(expected, list) and expected
    with pytest.raises(InputError):
        prepare_file(path, as_of_year=2026)
    assert fast(path, as_of_year=2026) == expected
    assert same(fast(path, as_of_year=2026, lenient_dates=True), outcome(path, as_of_year=2026, lenient_dates=True))


def test_lenient_dates_give_the_same_table_read_by_columns(generated, tmp_path, row_by_row):
    rows = [dict(r) for r in generated[:500]]
    for r, (dob, age) in zip(rows[::7], [("31/02/1990", ""), ("", "tua sekali"), ("1990-13-13", "200"),
                                          ("kemarin", "25")] * 30):
        r["date_of_birth"], r["age_estimate"] = dob, age
    path = write(tmp_path / "r.csv", rows)
    assert isinstance(outcome(path, as_of_year=2026), list)
    expected = outcome(path, as_of_year=2026, lenient_dates=True)
    assert same(prepare_file(path, as_of_year=2026, lenient_dates=True), expected)
    assert not row_by_row


@pytest.mark.parametrize("content", [
    b"",
    b"\xef\xbb\xbf",
    b"\n\nrecord_id,full_name\n",
    b"record_id,full_name\n1,Siti\n",
    ",".join(COLUMNS).encode().replace(b"source", b"s\xe9") + b"\n",
], ids=["empty", "bom-only", "blank-first-line", "missing-columns", "latin-1-header"])
def test_files_refused_at_the_header_are_refused_alike(content, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    expected = outcome(path)
    assert isinstance(expected, list) and expected
    assert fast(path) == expected


def test_a_missing_file_and_a_header_alone(tmp_path, row_by_row):
    assert fast(tmp_path / "none.csv") == outcome(tmp_path / "none.csv")
    for content in (",".join(COLUMNS) + "\n", ",".join(COLUMNS) + "\n\n\n"):
        path = tmp_path / "h.csv"
        path.write_text(content, encoding="utf-8")
        got = prepare_file(path)
        assert got.num_rows == 0 and same(got, outcome(path))


def test_the_link_command_prepares_the_file_by_columns(tmp_path, monkeypatch, capsys):
    from sinergi.cli import main
    from sinergi.linkage.management.commands import link

    calls = []

    def spy(path, **options):
        calls.append(options)
        return prepare_file(path, **options)

    monkeypatch.setattr(link, "prepare_file", spy)
    path = write_lines(tmp_path / "r.csv", OK, "1,ngo,Sri,p,,,,,")
    assert main(["link", str(path), "--out", str(tmp_path / "o"), "--lenient-dates", "--as-of-year", "2026"]) != 0
    assert calls == [{"as_of_year": 2026, "lenient_dates": True}]
    assert "baris 3, record_id: record_id 1 ganda (juga di baris 2)" in capsys.readouterr().err


@pytest.fixture
def helpers(monkeypatch):
    """A helper from 100 distinct names; the list of helpers ``prepare_file`` made, as (started, first name it
    took, names), and ``helpers.named``: how many names this process normalised itself."""
    made = []
    original = records._Helper.__init__

    def init(self, names):
        original(self, names)
        made.append((self.process is not None, self.start, len(names)))

    class Made(list):
        named = 0

    made = Made()

    def name(text):
        made.named += 1
        return records_name(text)

    records_name = records._name
    monkeypatch.setattr(records, "HELPER_NAMES", 100)
    monkeypatch.setattr(records._Helper, "__init__", init)
    monkeypatch.setattr(records, "_name", name)
    return made


def test_a_helper_process_takes_part_of_the_names_and_the_table_is_the_same(generated, tmp_path, helpers,
                                                                             row_by_row):
    path = write(tmp_path / "r.csv", generated)
    expected = outcome(path, as_of_year=2026)
    helpers.named = 0
    assert same(prepare_file(path, as_of_year=2026), expected)
    [(started, start, names)] = helpers
    assert started and 0 < start < names / 2 and not row_by_row
    assert helpers.named == start  # the helper's names came from the helper
    assert not multiprocessing.active_children()


def quit_at_once(names, start, send):
    import os

    os._exit(3)


def answer_too_little(names, start, send):
    send.send_bytes(__import__("pickle").dumps([("x", "x", ["x"])]))


@pytest.mark.parametrize("failure", [quit_at_once, answer_too_little])
def test_a_failing_helper_is_made_up_for(failure, generated, tmp_path, helpers, monkeypatch):
    monkeypatch.setattr(records, "_help", failure)
    path = write(tmp_path / "r.csv", generated[:1000])
    expected = outcome(path, as_of_year=2026)
    helpers.named = 0
    assert same(prepare_file(path, as_of_year=2026), expected)
    [(started, start, names)] = helpers
    assert started and helpers.named == names


def test_a_problem_found_while_the_helper_runs_ends_it(generated, tmp_path, helpers, row_by_row, monkeypatch):
    import time

    monkeypatch.setattr(records, "_help", lambda names, start, send: time.sleep(60))
    rows = [dict(r) for r in generated[:1000]]
    rows[-1]["date_of_birth"] = "31/02/1990"
    path = write(tmp_path / "r.csv", rows)
    began = time.monotonic()
    assert fast(path, as_of_year=2026) == outcome(path, as_of_year=2026)
    assert time.monotonic() - began < 30  # not waiting for the helper
    assert helpers[0][0] and row_by_row
    assert not multiprocessing.active_children()


def test_a_quote_doubled_inside_a_quoted_field_stays_one_field(tmp_path):
    import csv as _csv

    from sinergi.linkage.records import COLUMNS, prepare, prepare_file, read_csv

    path = tmp_path / "quoted.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = _csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerow(["r1", "polisi", 'Siti "Ani" Aminah, S.Pd.', "P", "1990-01-02", "", "32.01.01.2001",
                         "A1234567", "0812 1111 2222"])
        writer.writerow(["r2", "lsm", "Siti Aminah", "P", "1990-01-02", "", "32.01.01.2001", "", ""])
    rows = list(read_csv(path))
    assert rows[0]["full_name"] == 'Siti "Ani" Aminah, S.Pd.' and rows[0]["sex"] == "P"
    assert rows[0]["passport"] == "A1234567"
    fast = prepare_file(path, as_of_year=2026)
    assert fast.equals(prepare(read_csv(path), as_of_year=2026))
    assert fast.column("passport").to_pylist()[0] == "A1234567"
