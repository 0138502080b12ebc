"""Read a residents file (CSV or .xlsx) into checked rows and a row-by-row report.

Pure parsing and checking: nothing here writes to the database. The services
module stores the result (`ResidentImport`) and writes the residents on confirm.

Reading (`read_file`) keeps every cell of every row, so staff can say what an
unrecognised column holds and the rows are checked again (`check_rows`) without
uploading the file a second time. Nothing in the file is dropped without the
page saying so: a row that cannot be imported is in the report, a row that may be
wrong (a possible duplicate, a "?" where a character was lost) waits for staff to
confirm it, and a file without a mobile-number column must be confirmed as such.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.spreadsheets import csv_bytes, unguard_cell

from .mobile import normalize_mobile

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
PREVIEW_ROWS = 10
HEADER_SEARCH_ROWS = 5

# Field name -> (label, header spellings accepted, compared after _header_key()).
FIELDS = {
    "name": (
        pgettext_lazy("person", "name"),
        ["姓名", "名字", "居民姓名", "name", "fullname", "residentname"],
    ),
    "mobile": (
        gettext_lazy("mobile number"),
        [
            "手机",
            "手机号",
            "手机号码",
            "移动电话",
            "电话",
            "联系电话",
            "联系手机",
            "联系方式",
            "电话号码",
            "mobile",
            "mobilenumber",
            "phone",
            "phonenumber",
            "tel",
        ],
    ),
    "address": (
        gettext_lazy("address (split into building, unit and room)"),
        ["住址", "地址", "家庭住址", "居住地址", "现住址", "address"],
    ),
    "building": (
        gettext_lazy("building"),
        ["楼栋", "楼号", "楼栋号", "楼栋/门牌", "栋", "楼", "building"],
    ),
    "unit": (gettext_lazy("unit"), ["单元", "单元号", "unit"]),
    "room": (
        gettext_lazy("room"),
        ["房号", "房间", "房间号", "门牌号", "门牌", "室", "room", "roomnumber"],
    ),
    "household": (
        gettext_lazy("household"),
        ["户号", "户", "户籍号", "户主", "household", "householdnumber"],
    ),
    "birth_date": (
        gettext_lazy("date of birth"),
        [
            "出生日期",
            "出生年月",
            "出生年月日",
            "生日",
            "birthdate",
            "dateofbirth",
            "birthday",
        ],
    ),
    "birth_year": (
        gettext_lazy("year of birth"),
        ["出生年份", "出生年", "birthyear", "yearofbirth", "born"],
    ),
    "tags": (gettext_lazy("tags"), ["标签", "特殊情况", "类别", "tags", "tag"]),
    "notes": (
        pgettext_lazy("resident", "notes"),
        ["备注", "说明", "notes", "note", "remarks"],
    ),
}
# Several columns may go into the notes (each kept with its title).
MULTI_COLUMN_FIELDS = {"notes"}
TEMPLATE_HEADERS = [
    "姓名",
    "手机",
    "楼栋",
    "单元",
    "房号",
    "户号",
    "出生日期",
    "标签",
    "备注",
]
TEMPLATE_EXAMPLE = [
    "林秀英",
    "13859001234",
    "3",
    "1",
    "201",
    "H0012",
    "1948-05-01",
    "独居老人",
    "",
]

TAG_FIELDS = {
    "is_elderly_alone": [
        "独居老人",
        "独居",
        "空巢老人",
        "elderlylivingalone",
        "elderlyalone",
    ],
    "is_left_behind_child": ["留守儿童", "留守", "leftbehindchild", "leftbehind"],
    "has_disability": ["残疾", "残疾人", "残障", "disability", "disabled"],
}
_TAG_SPLIT_RE = re.compile(r"[,，、;；/|]+")
_LIMITS = {"name": 100, "building": 30, "unit": 30, "room": 30, "household": 50}

# Row warnings: the row can be imported, but only when staff confirm that kind.
POSSIBLE_DUPLICATE = "possible_duplicate"
UNREADABLE_TEXT = "unreadable_text"
# Found only when the import runs (registered since the check): never confirmed.
REGISTERED_SINCE = "registered_since"
WARNING_KINDS = (POSSIBLE_DUPLICATE, UNREADABLE_TEXT)
# A file-level warning: no column holds mobile numbers.
NO_MOBILE_COLUMN = "no_mobile_column"

# Text fields where a "?" stands for a character the file lost (names never hold one).
_UNREADABLE_FIELDS = ("name", "address", "building", "unit", "room", "household")
REPLACEMENT_CHARACTER = "\ufffd"


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class ParsedFile:
    file_format: str
    encoding: str = ""
    columns: list[dict] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    # [line number in the file, [cell text, ...]] for every non-empty row.
    raw_rows: list[list] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)
    total_rows: int = 0

    @property
    def clean_rows(self) -> list[dict]:
        return [row for row in self.rows if not row.get("warnings")]

    @property
    def warning_rows(self) -> list[dict]:
        return [row for row in self.rows if row.get("warnings")]


def _header_key(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = text.replace("\ufeff", "").strip().lower()
    text = re.sub(r"[(].*?[)]", "", text)  # "手机（必填）" -> "手机"
    return re.sub(r"[\s_\-*:.、/\\|]+", "", text)


_HEADER_LOOKUP = {
    _header_key(spelling): name
    for name, (_label, spellings) in FIELDS.items()
    for spelling in spellings
}
_TAG_LOOKUP = {
    _header_key(spelling): name
    for name, spellings in TAG_FIELDS.items()
    for spelling in spellings
}


def field_label(name: str) -> str:
    return str(FIELDS[name][0]) if name in FIELDS else ""


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


# -- dates of birth ----------------------------------------------------------

_DATE_PATTERNS = [
    # 1956-03-01, 1956/3/1, 1956.3.1 (and a time Excel may add)
    re.compile(
        r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    ),
    # 1956年3月1日, 1956年3月
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号]?)?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),  # 19560301
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"),  # 195603: year and month
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})"),  # 1956-03, 1956.3
    re.compile(r"(?P<y>\d{4})(?:年|\.0+)?"),  # 1956, 1956年: year only
]


def parse_birth(text: str) -> tuple[datetime.date | None, int | None]:
    """Return (date of birth, year of birth) read from a cell.

    A year and month without a day is the first of that month; a year alone gives
    no date. Raises ValueError when the text is not a date.
    """
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(value)
        if not match:
            continue
        year = int(match.group("y"))
        if "m" not in pattern.groupindex:
            return None, year
        day = int(match.group("d") or 1) if "d" in pattern.groupindex else 1
        return datetime.date(year, int(match.group("m")), day), year
    raise ValueError(text)


def _check_birth(values: dict, today: datetime.date, problems: list) -> tuple:
    birth_date = None
    birth_year = None
    for field_name in ("birth_date", "birth_year"):
        raw = values.get(field_name, "").strip()
        if not raw:
            continue
        try:
            found_date, found_year = parse_birth(raw)
        except ValueError:
            problems.append(
                _(
                    "Date of birth “%(value)s” is not a date. Write it like "
                    "1956-03-01, 1956/3/1 or 1956年3月1日 (or 195603 for a year "
                    "and month)."
                )
                % {"value": raw}
            )
            continue
        if not 1900 <= found_year <= today.year:
            problems.append(
                _("Year of birth “%(value)s” is not a year between 1900 and %(now)s.")
                % {"value": raw, "now": today.year}
            )
            continue
        if found_date is not None and found_date > today:
            problems.append(
                _("Date of birth “%(value)s” is in the future.") % {"value": raw}
            )
            continue
        if birth_year is not None and found_year != birth_year:
            problems.append(
                _(
                    "The year of birth (%(year)s) and the date of birth "
                    "(%(date)s) do not match."
                )
                % {"year": found_year, "date": birth_date or birth_year}
            )
            continue
        birth_year = found_year
        birth_date = birth_date or found_date
    return (birth_date.isoformat() if birth_date else None), birth_year


# -- addresses ---------------------------------------------------------------

_BUILDING_SUFFIX = r"(?:号楼|栋|幢|座)"
_ADDRESS_PATTERNS = [
    # 3号楼1单元201室, 汀塘村3栋2单元502
    re.compile(
        r"(?P<b>.*?[0-9A-Za-z]+)(?P<bs>" + _BUILDING_SUFFIX + r"|号)"
        r"(?P<u>[0-9A-Za-z]+)单元(?P<r>[0-9A-Za-z]+)(?:室|号|房)?"
    ),
    # 3号楼201室
    re.compile(
        r"(?P<b>.*?[0-9A-Za-z]+)(?P<bs>" + _BUILDING_SUFFIX + r")"
        r"(?P<r>[0-9A-Za-z]+)(?:室|号|房)?"
    ),
    # 3-1-201
    re.compile(r"(?P<b>[0-9A-Za-z]+)-(?P<u>[0-9A-Za-z]+)-(?P<r>[0-9A-Za-z]+)"),
]


def split_address(text: str) -> dict[str, str]:
    """Split "3号楼1单元201室" or "3-1-201" into building, unit and room.

    An address of another shape (a village house, "后埔12号") is the building, whole.
    """
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for pattern in _ADDRESS_PATTERNS:
        match = pattern.fullmatch(value)
        if not match:
            continue
        building = match.group("b")
        if "bs" in pattern.groupindex and not building.isascii():
            building += match.group("bs")  # "汀塘村3号楼" stays readable
        return {
            "building": building,
            "unit": match.groupdict().get("u") or "",
            "room": match.group("r"),
        }
    return {"building": value, "unit": "", "room": ""}


def _address_part_key(part: str, text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()
    suffix = {
        "building": r"(号楼|栋|幢|座|号)$",
        "unit": r"单元$",
        "room": r"(室|号|房)$",
    }
    return re.sub(suffix[part], "", text)


def person_key(*, name: str, building: str, unit: str, room: str) -> str:
    """Name and address compared the way a clerk would (3 = 3号楼, spaces ignored)."""
    name_key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "")).casefold()
    parts = [
        _address_part_key(part, value)
        for part, value in (("building", building), ("unit", unit), ("room", room))
    ]
    return "|".join([name_key, *parts])


def address_text(*, building: str, unit: str, room: str) -> str:
    parts = []
    if building:
        parts.append(_("Building %(b)s") % {"b": building})
    if unit:
        parts.append(_("Unit %(u)s") % {"u": unit})
    if room:
        parts.append(_("Room %(r)s") % {"r": room})
    return " ".join(parts) or _("no address")


# -- one row -----------------------------------------------------------------


def _unreadable_message(text: str, encoding: str) -> str:
    if encoding == "gb18030":
        return _(
            "“%(text)s” holds a “?”: the file was saved as GBK, which has no place "
            "for some rare characters (often in names), so a “?” stands where the "
            "character was. Correct it after the import, or save the file as “CSV "
            "UTF-8” or .xlsx and upload it again."
        ) % {"text": text}
    return _(
        "“%(text)s” holds a “?” or “�” where the original file probably had a "
        "character that could not be read. Check it against the paper records."
    ) % {"text": text}


def check_row(
    values: dict[str, str], today: datetime.date, encoding: str = ""
) -> tuple[dict, list[str], list[dict]]:
    """Return the cleaned resident fields, the problems and the warnings of one row."""
    problems = []
    warnings = []
    values = dict(values)
    name = values.get("name", "").strip()
    if not name:
        problems.append(_("Name is missing."))
    mobile = ""
    try:
        mobile = normalize_mobile(values.get("mobile", ""))
    except ValidationError as exc:
        problems.extend(exc.messages)
    address = values.get("address", "").strip()
    from_address = set()
    if address:
        for part, value in split_address(address).items():
            given = values.get(part, "").strip()
            if not value:
                continue
            if not given:
                values[part] = value
                from_address.add(part)
            elif _address_part_key(part, given) != _address_part_key(part, value):
                problems.append(
                    _(
                        "The address “%(address)s” does not match the %(field)s "
                        "column (“%(value)s”)."
                    )
                    % {"address": address, "field": field_label(part), "value": given}
                )
    birth_date, birth_year = _check_birth(values, today, problems)
    flags, unknown_tags = _parse_tags(values.get("tags", ""))
    if unknown_tags:
        problems.append(
            _("Unknown tag “%(tags)s”; use 独居老人, 留守儿童 or 残疾.")
            % {"tags": "、".join(unknown_tags)}
        )
    for field_name, limit in _LIMITS.items():
        if len(values.get(field_name, "")) <= limit:
            continue
        if field_name in from_address:
            problems.append(
                _(
                    "The address “%(address)s” could not be split into building, "
                    "unit and room, and is longer than %(limit)s characters. Put "
                    "them in separate columns, or shorten it."
                )
                % {"address": address, "limit": limit}
            )
        else:
            problems.append(
                _("%(field)s is longer than %(limit)s characters.")
                % {"field": FIELDS[field_name][0], "limit": limit}
            )
    lost = [
        values[name_]
        for name_ in _UNREADABLE_FIELDS
        if "?" in values.get(name_, "")
        or REPLACEMENT_CHARACTER in values.get(name_, "")
    ]
    if REPLACEMENT_CHARACTER in values.get("notes", ""):
        lost.append(values["notes"])
    if lost:
        warnings.append(
            {
                "kind": UNREADABLE_TEXT,
                "message": " ".join(_unreadable_message(t, encoding) for t in lost),
            }
        )
    cleaned = {
        "name": name,
        "mobile": mobile,
        "building": values.get("building", "").strip(),
        "unit": values.get("unit", "").strip(),
        "room": values.get("room", "").strip(),
        "household": values.get("household", ""),
        "birth_date": birth_date,
        "birth_year": birth_year,
        "notes": values.get("notes", ""),
        **flags,
    }
    return cleaned, problems, warnings


def _row_values(columns: list[dict], cells: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    notes: list[str] = []
    for column in columns:
        field_name = column.get("field")
        if not field_name:
            continue
        value = _cell(cells, column["index"])
        if field_name in MULTI_COLUMN_FIELDS:
            if value:
                title = column["header"]
                keep_title = _HEADER_LOOKUP.get(_header_key(title)) != field_name
                notes.append(f"{title}：{value}" if keep_title else value)
            continue
        values[field_name] = value
    if notes:
        values["notes"] = "\n".join(notes)
    return values


def check_rows(parsed: ParsedFile, *, existing_mobiles, existing_people=None) -> None:
    """Check every raw row against the column mapping; fill rows and report.

    `existing_mobiles(mobiles) -> set` answers which of the given mobile numbers
    the community already has; `existing_people(names) -> {person_key: [mobile]}`
    which residents of those names it has (one query per batch, asked by the
    caller).
    """
    today = timezone.localdate()
    parsed.rows = []
    parsed.report = []
    first_row_of_mobile: dict[str, int] = {}
    first_row_of_person: dict[str, tuple[int, str]] = {}
    for line, cells in parsed.raw_rows:
        values = _row_values(parsed.columns, cells)
        cleaned, problems, warnings = check_row(values, today, parsed.encoding)
        mobile = cleaned["mobile"]
        # A number counts as taken by the first row that will be imported.
        if mobile and mobile in first_row_of_mobile:
            problems.append(
                _("Same mobile number as row %(row)s of this file.")
                % {"row": first_row_of_mobile[mobile]}
            )
        elif mobile and not problems:
            first_row_of_mobile[mobile] = line
        if problems:
            parsed.report.append(
                {"row": line, "name": values.get("name", ""), "problems": problems}
            )
            continue
        key = _row_key(cleaned)
        earlier = first_row_of_person.get(key)
        if earlier is None:
            first_row_of_person[key] = (line, mobile)
        elif not mobile or not earlier[1]:
            warnings.append(
                {
                    "kind": POSSIBLE_DUPLICATE,
                    "message": _(
                        "Same name and address as row %(row)s of this file, and "
                        "no mobile number to tell them apart: it may be the same "
                        "person twice."
                    )
                    % {"row": earlier[0]},
                }
            )
        cleaned["row"] = line
        cleaned["warnings"] = warnings
        parsed.rows.append(cleaned)
    mark_existing(parsed, existing_mobiles)
    if existing_people is not None:
        mark_existing_people(parsed, existing_people)


def parse_file(
    *, file_name: str, data: bytes, existing_mobiles, existing_people=None
) -> ParsedFile:
    """Read and check every row (see `read_file` and `check_rows`)."""
    parsed = read_file(file_name=file_name, data=data)
    check_rows(
        parsed, existing_mobiles=existing_mobiles, existing_people=existing_people
    )
    return parsed


def _row_key(row: dict) -> str:
    return person_key(
        name=row["name"], building=row["building"], unit=row["unit"], room=row["room"]
    )


def mark_existing(parsed: ParsedFile, existing_mobiles) -> None:
    """Move rows whose mobile number the community already has into the report."""
    mobiles = [row["mobile"] for row in parsed.rows if row["mobile"]]
    taken = existing_mobiles(mobiles) if mobiles else set()
    if not taken:
        return
    keep = []
    for row in parsed.rows:
        if row["mobile"] in taken:
            parsed.report.append(
                {
                    "row": row["row"],
                    "name": row["name"],
                    "problems": [already_registered_message(row["mobile"])],
                }
            )
        else:
            keep.append(row)
    parsed.rows = keep
    parsed.report.sort(key=lambda item: item["row"])


def mark_existing_people(
    parsed: ParsedFile, existing_people, *, kind: str = POSSIBLE_DUPLICATE
) -> None:
    """Warn on rows whose name and address a resident of the community already has.

    Only where a mobile number cannot tell them apart: the row has none, or the
    registered resident has none.
    """
    names = sorted({row["name"] for row in parsed.rows})
    found = existing_people(names) if names else {}
    if not found:
        return
    for row in parsed.rows:
        warnings = row.setdefault("warnings", [])
        if any(w["kind"] == POSSIBLE_DUPLICATE for w in warnings):
            continue
        mobiles = found.get(_row_key(row))
        if mobiles is None or (row["mobile"] and "" not in mobiles):
            continue
        where = address_text(
            building=row["building"], unit=row["unit"], room=row["room"]
        )
        if kind == REGISTERED_SINCE:
            message = _(
                "%(name)s (%(address)s) was registered in this community after the "
                "file was checked: it may be the same person, so this row was not "
                "imported."
            ) % {"name": row["name"], "address": where}
        else:
            message = _(
                "%(name)s (%(address)s) is already registered in this community, "
                "and no mobile number tells them apart: it may be the same person."
            ) % {"name": row["name"], "address": where}
        warnings.append({"kind": kind, "message": message})


def hold_back(parsed: ParsedFile, *, accepted: set[str]) -> None:
    """Move rows with a warning that staff did not confirm into the report."""
    keep = []
    for row in parsed.rows:
        warnings = row.get("warnings") or []
        if all(w["kind"] in accepted for w in warnings):
            keep.append(row)
            continue
        parsed.report.append(
            {
                "row": row["row"],
                "name": row["name"],
                "problems": [
                    *(w["message"] for w in warnings),
                    _("Not imported: this row was not confirmed."),
                ],
            }
        )
    parsed.rows = keep
    parsed.report.sort(key=lambda item: item["row"])


def resident_fields(row: dict) -> dict:
    """The Resident fields of a checked row."""
    fields = {k: v for k, v in row.items() if k not in ("row", "warnings")}
    birth_date = fields.get("birth_date")
    fields["birth_date"] = (
        datetime.date.fromisoformat(birth_date) if birth_date else None
    )
    return fields


def already_registered_message(mobile: str) -> str:
    return _("A resident with mobile number %(mobile)s is already registered here.") % {
        "mobile": mobile
    }


def report_csv(report: list[dict]) -> bytes:
    """The rows that cannot be imported, as CSV for Excel (UTF-8 with BOM)."""
    return csv_bytes(
        [
            [_("Row"), _("Name"), _("Problems")],
            *(
                [item["row"], item["name"], " ".join(item["problems"])]
                for item in report
            ),
        ]
    )


def template_csv() -> bytes:
    """A CSV template with Chinese column titles and one example row (UTF-8 BOM)."""
    return csv_bytes([TEMPLATE_HEADERS, TEMPLATE_EXAMPLE])
