"""Cells of files that people open in a spreadsheet program (CSV, Excel).

Excel, WPS and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula (tab and carriage return can hide one), so a resident's "name" such as
``=HYPERLINK(...)`` would run on a clerk's computer. Every file the project writes
passes its cells through ``safe_cell``; files read back pass through
``unguard_cell``, so a corrected report can be uploaded again.
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
# A negative number stays a number; "+8613800138000" does not (it starts a formula).
_NEGATIVE_NUMBER_RE = re.compile(r"-\d+(\.\d+)?")


def safe_cell(value):
    """Return the value as a spreadsheet will not run it.

    Text starting with a formula character gets a leading single quote; numbers,
    dates and None ('' ) are returned as they are.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NEGATIVE_NUMBER_RE.fullmatch(text):
        return GUARD + text
    return text


def unguard_cell(text: str) -> str:
    """Undo ``safe_cell`` on a cell read back from a file the project wrote."""
    if len(text) > 1 and text[0] == GUARD and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


class SafeCsvWriter:
    """A ``csv.writer`` whose rows pass through ``safe_cell``."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(out, **kwargs)


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows as CSV that Excel opens in Chinese correctly (UTF-8 with BOM), made safe."""
    out = io.StringIO()
    csv_writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
