"""Reading a file: the format, the encoding, the rows, and which column is which field."""

import csv
import datetime
import io
import zipfile

from django.utils.translation import gettext as _

from core.spreadsheets import unguard_cell

from .fields import (
    _HEADER_LOOKUP,
    _TAG_LOOKUP,
    _TAG_SPLIT_RE,
    HEADER_SEARCH_ROWS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MULTI_COLUMN_FIELDS,
    PREVIEW_ROWS,
    TAG_FIELDS,
    ImportFileError,
    ParsedFile,
    _header_key,
)


def _cell_text(value) -> str:
    """The text of one Excel cell; a date cell stays a date (ISO), not its year."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return unguard_cell(str(value).strip())


def _decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _(
                "This file is not a text (CSV) file. Upload a .csv file, or an "
                "Excel workbook saved as .xlsx."
            ),
            code="binary",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _(
            "The file’s text encoding could not be read (it is neither UTF-8 nor "
            "GBK). In Excel, choose “Save as” → “CSV UTF-8 (comma delimited)” and "
            "upload that file."
        ),
        code="encoding",
    )


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Chinese Excel saves "CSV" as GBK, which GB18030 contains.
    """
    return _decode(data)[0]


def _csv_rows(text: str):
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row in reader:
        yield [unguard_cell(cell.strip()) for cell in row]


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _(
                "This file could not be opened as an Excel workbook (.xlsx). Open "
                "it in Excel and save it again as .xlsx or as CSV."
            ),
            code="bad_xlsx",
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(cell) for cell in row]
    finally:
        workbook.close()


def _detect_format(file_name: str, data: bytes) -> str:
    name = file_name.lower()
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "Old Excel files (.xls) cannot be read. In Excel, choose “Save as” "
                "and pick “Excel workbook (.xlsx)” or “CSV UTF-8”."
            ),
            code="xls",
        )
    if name.endswith(".xlsx"):
        return "xlsx"  # named .xlsx but not a zip: _xlsx_rows explains
    return "csv"


def _names_a_column(row: list[str], field_name: str) -> bool:
    return any(_HEADER_LOOKUP.get(_header_key(cell)) == field_name for cell in row)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _map_columns(header: list[str]) -> list[dict]:
    """One entry per titled column; "auto" when the title was recognised."""
    columns = []
    taken: set[str] = set()
    for index, title in enumerate(header):
        if not str(title).strip():
            continue
        field_name = _HEADER_LOOKUP.get(_header_key(title), "")
        if field_name in taken and field_name not in MULTI_COLUMN_FIELDS:
            field_name = ""  # a second 手机 column: staff choose what it holds
        if field_name:
            taken.add(field_name)
        columns.append(
            {
                "index": index,
                "header": str(title),
                "field": field_name,
                "auto": bool(field_name),
            }
        )
    return columns


def _add_untitled_columns(columns: list[dict], raw_rows: list[list]) -> None:
    """Columns without a title that hold values are shown too, so none is lost."""
    titled = {column["index"] for column in columns}
    used = sorted(
        {
            index
            for _line, cells in raw_rows
            for index, cell in enumerate(cells)
            if cell and index not in titled
        }
    )
    for index in used:
        columns.append(
            {
                "index": index,
                "header": _("untitled column %(letter)s")
                % {"letter": _column_letter(index)},
                "field": "",
                "auto": False,
            }
        )
    columns.sort(key=lambda column: column["index"])


def has_mobile_column(columns: list[dict]) -> bool:
    return any(column.get("field") == "mobile" for column in columns)


def read_file(*, file_name: str, data: bytes) -> ParsedFile:
    """Read every row of the file and recognise the column titles; check nothing."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than 10 MB. Split it into smaller files."),
            code="too_big",
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."), code="empty")
    file_format = _detect_format(file_name, data)
    encoding = ""
    if file_format == "xlsx":
        rows_iter = _xlsx_rows(data)
    else:
        text, encoding = _decode(data)
        rows_iter = _csv_rows(text)
    # The titles may sit below a heading such as “汀塘社区居民花名册”.
    header = None
    line = 0
    non_empty = 0
    try:
        for raw in rows_iter:
            line += 1
            if not any(raw):
                continue
            non_empty += 1
            if _names_a_column(raw, "name"):
                header = raw
                break
            if non_empty >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise ImportFileError(
            _("The file could not be read as CSV: %(error)s") % {"error": exc},
            code="bad_csv",
        ) from exc
    if non_empty == 0:
        raise ImportFileError(_("The file is empty."), code="empty")
    if header is None:
        raise ImportFileError(
            _(
                "No name column was found in the first rows. One row must hold the "
                "column titles, with one titled “姓名” (or “name”). Download the "
                "template to see the expected columns."
            ),
            code="no_name_column",
        )
    parsed = ParsedFile(
        file_format=file_format, encoding=encoding, columns=_map_columns(header)
    )
    try:
        for raw in rows_iter:
            line += 1
            if not any(raw):
                continue
            parsed.total_rows += 1
            if parsed.total_rows > MAX_ROWS:
                raise ImportFileError(
                    _(
                        "The file has more than %(max)s rows. Split it into smaller "
                        "files."
                    )
                    % {"max": f"{MAX_ROWS:,}"},
                    code="too_many_rows",
                )
            while raw and not raw[-1]:
                raw = raw[:-1]
            parsed.raw_rows.append([line, raw])
    except csv.Error as exc:
        raise ImportFileError(
            _("Row %(row)s could not be read as CSV: %(error)s")
            % {"row": line, "error": exc},
            code="bad_csv",
        ) from exc
    if parsed.total_rows == 0:
        raise ImportFileError(
            _("The file has column titles but no residents below them."),
            code="no_rows",
        )
    _add_untitled_columns(parsed.columns, parsed.raw_rows)
    parsed.preview = [
        [_cell(cells, column["index"]) for column in parsed.columns]
        for _line, cells in parsed.raw_rows[:PREVIEW_ROWS]
    ]
    return parsed


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _parse_tags(text: str) -> tuple[dict[str, bool], list[str]]:
    flags = dict.fromkeys(TAG_FIELDS, False)
    unknown = []
    for token in _TAG_SPLIT_RE.split(text) if text else []:
        key = _header_key(token)
        if not key:
            continue
        if key in _TAG_LOOKUP:
            flags[_TAG_LOOKUP[key]] = True
        else:
            unknown.append(token.strip())
    return flags, unknown
