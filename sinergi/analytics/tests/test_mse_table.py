"""Reading capture-history tables, and refusing the ones that cannot inform an estimate."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from sinergi.analytics.mse import CaptureTable, CaptureTableError, messages_of, read_csv

GOOD = "A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n1,0,1,5\n0,1,1,4\n1,1,1,2\n"


def refused(text: str | bytes) -> CaptureTableError:
    with pytest.raises(CaptureTableError) as caught:
        read_csv(text.encode() if isinstance(text, str) else text)
    return caught.value


def codes(error) -> list[str]:
    return [e.code for e in error.error_list]


def test_a_good_table_is_read_into_cells_by_bit_mask():
    table = read_csv(GOOD.encode())
    assert table.lists == ("A", "B", "C")
    assert table.observed == 107
    assert table.counts[0b001] == 40 and table.counts[0b011] == 6 and table.counts[0b111] == 2
    assert table.overlap(0, 1) == 8 and table.list_total(2) == 31
    assert read_csv(table.to_csv().encode()).counts.tolist() == table.counts.tolist()


def test_semicolons_a_byte_order_mark_and_a_count_column_anywhere_are_accepted():
    text = "\ufeffcount;A;B;C\n40;1;0;0\n30;0;1;0\n20;0;0;1\n6;1;1;0\n5;1;0;1\n4;0;1;1\n"
    table = read_csv(text.encode())
    assert table.lists == ("A", "B", "C")
    assert table.observed == 105


def test_missing_count_column():
    error = refused("A,B,C\n1,0,0\n")
    assert codes(error) == ["no_count"]
    with translation.override("en"):
        assert "There is no count column" in messages_of(error)[0]
    with translation.override("id"):
        assert "Kolom count tidak ada" in messages_of(error)[0]


def test_non_numeric_and_negative_counts_are_listed_with_their_lines():
    error = refused("A,B,count\n1,0,ten\n0,1,-3\n1,1,2.5\n")
    assert codes(error) == ["count_not_integer", "count_negative", "count_not_integer"]
    with translation.override("en"):
        text = messages_of(error)
    assert text[0].startswith("Line 2:") and "'ten'" in text[0]
    assert text[1].startswith("Line 3:") and "-3" in text[1]


def test_a_column_that_is_not_zero_or_one():
    error = refused("A,B,count\n1,2,5\n0,1,3\n")
    assert codes(error) == ["not_binary"]
    assert error.error_list[0].params["column"] == "B"


def test_fewer_than_two_lists():
    assert codes(refused("A,count\n1,10\n")) == ["too_few_lists"]


def test_an_all_zero_row_with_people_is_refused_and_with_zero_ignored():
    assert codes(refused("A,B,C,count\n0,0,0,5\n1,1,0,2\n1,0,1,1\n0,1,1,1\n")) == ["zero_row"]
    table = read_csv(("A,B,C,count\n0,0,0,0\n" + GOOD.split("\n", 1)[1]).encode())
    assert [n.code for n in table.notes] == ["zero_row_ignored"]
    assert table.observed == 107


def test_duplicate_rows_are_added_up_and_noted():
    table = read_csv((GOOD + "1,0,0,10\n").encode())
    assert table.counts[0b001] == 50
    assert [n.code for n in table.notes] == ["rows_aggregated"]
    with translation.override("en"):
        assert table.notes[0].text.startswith("1 rows repeat")


def test_a_list_that_never_overlaps_another_is_refused_by_name():
    error = refused("A,B,C,count\n1,0,0,10\n0,1,0,8\n0,0,1,9\n1,1,0,3\n")
    assert codes(error) == ["isolated_list"]
    assert error.error_list[0].params["list"] == "C"


def test_lists_that_cannot_inform():
    assert codes(refused("A,B,C,count\n1,0,0,10\n0,1,0,3\n1,1,0,2\n")) == ["empty_list"]
    assert codes(refused("A,B,count\n1,0,5\n1,1,3\n")) == ["list_has_everyone"]
    assert codes(refused("A,B,C,count\n1,1,0,5\n0,0,1,3\n1,1,1,2\n")) == ["identical_lists"]


def test_file_level_problems():
    assert codes(refused("")) == ["empty"]
    assert codes(refused(b"A,B,count\n\xff\xfe,1,2\n")) == ["not_utf8"]
    assert codes(refused("A,B,count\n")) == ["no_rows"]
    assert codes(refused("A,A,count\n1,0,1\n")) == ["duplicate_column"]
    assert codes(refused("A,,count\n1,0,1\n")) == ["blank_column"]
    assert codes(refused("A,B,count\n1,0\n")) == ["row_width"]


def test_from_rows_builds_the_same_table():
    table = CaptureTable.from_rows(["A", "B"], [((1, 0), 3), ((0, 1), 4), ((1, 1), 2)])
    assert table.counts.tolist() == [0, 3, 4, 2]
    assert np.array_equal(read_csv(table.to_csv().encode()).counts, table.counts)
