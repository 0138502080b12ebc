"""Cells written to CSV/Excel files never run as formulas."""

import csv
import datetime
import io

import pytest

from core.spreadsheets import csv_bytes, safe_cell, unguard_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://example.invalid","点这里")', "'=HYPERLINK("),
        ("+8613800138000", "'+8613800138000"),
        ("+5", "'+5"),
        ("-2+3", "'-2+3"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_quoted(value, written):
    assert safe_cell(value).startswith(written)
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["林秀英", "13800138000", "-5", "-12.5", "", "a=b", "3号楼"]
)
def test_ordinary_text_and_negative_numbers_are_left_alone(value):
    assert safe_cell(value) == value


def test_numbers_dates_and_none_are_not_turned_into_text():
    assert safe_cell(-5) == -5
    assert safe_cell(3.5) == 3.5
    day = datetime.date(2026, 11, 29)
    assert safe_cell(day) == day
    assert safe_cell(None) == ""


def test_csv_bytes_has_a_bom_and_quoted_cells():
    data = csv_bytes([["姓名", "备注"], ["=cmd|' /C calc'!A0", "+86 138"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "备注"], ["'=cmd|' /C calc'!A0", "'+86 138"]]


def test_a_quoted_cell_reads_back_as_it_was():
    for value in ("=1+1", "+8613800138000", "@x", "林秀英", "'plain"):
        assert unguard_cell(str(safe_cell(value))) == value
