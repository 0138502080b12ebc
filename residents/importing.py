"""Read a residents file (CSV or .xlsx) into checked rows and a row-by-row report.

Pure parsing and checking: nothing here writes to the database. The services
module stores the result (`ResidentImport`) and writes the residents on confirm.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

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
            "电话",
            "联系电话",
            "电话号码",
            "mobile",
            "mobilenumber",
            "phone",
            "phonenumber",
            "tel",
        ],
    ),
    "building": (gettext_lazy("building"), ["楼栋", "楼号", "栋", "楼", "building"]),
    "unit": (gettext_lazy("unit"), ["单元", "单元号", "unit"]),
    "room": (
        gettext_lazy("room"),
        ["房号", "房间", "房间号", "门牌号", "室", "room", "roomnumber"],
    ),
    "household": (
        gettext_lazy("household"),
        ["户号", "户", "户籍号", "户主", "household", "householdnumber"],
    ),
    "birth_year": (
        gettext_lazy("year of birth"),
        ["出生年份", "出生年", "出生年月", "birthyear", "yearofbirth", "born"],
    ),
    "tags": (gettext_lazy("tags"), ["标签", "特殊情况", "类别", "tags", "tag"]),
    "notes": (
        pgettext_lazy("resident", "notes"),
        ["备注", "说明", "notes", "note", "remarks"],
    ),
}
TEMPLATE_HEADERS = [
    "姓名",
    "手机",
    "楼栋",
    "单元",
    "房号",
    "户号",
    "出生年份",
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
    "1948",
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


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class ParsedFile:
    file_format: str
    columns: list[dict] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)
    total_rows: int = 0


def _header_key(value) -> str:
    text = str(value or "").replace("\ufeff", "").strip().lower()
    text = re.sub(r"[（(].*?[)）]", "", text)  # "手机（必填）" -> "手机"
    return re.sub(r"[\s_\-*:：.]+", "", text)


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


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "year") and not isinstance(value, int | str):
        return str(value.year)  # a date cell in a year-of-birth column
    return str(value).strip()


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Chinese Excel saves "CSV" as GBK, which GB18030 contains.
    """
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
            return data.decode(encoding)
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


def _csv_rows(data: bytes):
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row in reader:
        yield [cell.strip() for cell in row]


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


def _map_columns(header: list[str]) -> tuple[list[dict], dict[str, int]]:
    columns = []
    index_of: dict[str, int] = {}
    for index, title in enumerate(header):
        if not str(title).strip():
            continue
        field_name = _HEADER_LOOKUP.get(_header_key(title))
        if field_name and field_name not in index_of:
            index_of[field_name] = index
            label = str(FIELDS[field_name][0])
        else:
            field_name = ""
            label = ""
        columns.append(
            {"index": index, "header": str(title), "field": field_name, "label": label}
        )
    return columns, index_of


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


def check_row(values: dict[str, str], current_year: int) -> tuple[dict, list[str]]:
    """Return the cleaned resident fields and the problems found in one row."""
    problems = []
    name = values.get("name", "").strip()
    if not name:
        problems.append(_("Name is missing."))
    mobile = ""
    try:
        mobile = normalize_mobile(values.get("mobile", ""))
    except ValidationError as exc:
        problems.extend(exc.messages)
    birth_year = None
    raw_year = values.get("birth_year", "").strip()
    if raw_year:
        match = re.match(r"^(\d{4})", raw_year)
        year = int(match.group(1)) if match else None
        if year is None or not 1900 <= year <= current_year:
            problems.append(
                _("Year of birth “%(value)s” is not a year between 1900 and %(now)s.")
                % {"value": raw_year, "now": current_year}
            )
        else:
            birth_year = year
    flags, unknown_tags = _parse_tags(values.get("tags", ""))
    if unknown_tags:
        problems.append(
            _("Unknown tag “%(tags)s”; use 独居老人, 留守儿童 or 残疾.")
            % {"tags": "、".join(unknown_tags)}
        )
    for field_name, limit in _LIMITS.items():
        if len(values.get(field_name, "")) > limit:
            problems.append(
                _("%(field)s is longer than %(limit)s characters.")
                % {"field": FIELDS[field_name][0], "limit": limit}
            )
    cleaned = {
        "name": name,
        "mobile": mobile,
        "building": values.get("building", ""),
        "unit": values.get("unit", ""),
        "room": values.get("room", ""),
        "household": values.get("household", ""),
        "birth_year": birth_year,
        "notes": values.get("notes", ""),
        **flags,
    }
    return cleaned, problems


def parse_file(*, file_name: str, data: bytes, existing_mobiles) -> ParsedFile:
    """Read and check every row.

    `existing_mobiles(mobiles) -> set` answers which of the given mobile numbers
    the community already has (one query per batch, asked by the caller).
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than 10 MB. Split it into smaller files."),
            code="too_big",
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."), code="empty")
    file_format = _detect_format(file_name, data)
    rows_iter = _xlsx_rows(data) if file_format == "xlsx" else _csv_rows(data)
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
    columns, index_of = _map_columns(header)
    parsed = ParsedFile(file_format=file_format, columns=columns)
    current_year = timezone.localdate().year
    first_row_of_mobile: dict[str, int] = {}
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
            if len(parsed.preview) < PREVIEW_ROWS:
                parsed.preview.append(
                    [raw[c["index"]] if c["index"] < len(raw) else "" for c in columns]
                )
            values = {
                name: raw[index] if index < len(raw) else ""
                for name, index in index_of.items()
            }
            cleaned, problems = check_row(values, current_year)
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
            else:
                cleaned["row"] = line
                parsed.rows.append(cleaned)
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
    mark_existing(parsed, existing_mobiles)
    return parsed


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


def already_registered_message(mobile: str) -> str:
    return _("A resident with mobile number %(mobile)s is already registered here.") % {
        "mobile": mobile
    }


def report_csv(report: list[dict]) -> bytes:
    """The rows that cannot be imported, as CSV for Excel (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Name"), _("Problems")])
    for item in report:
        writer.writerow([item["row"], item["name"], " ".join(item["problems"])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_csv() -> bytes:
    """A CSV template with Chinese column titles and one example row (UTF-8 BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow(TEMPLATE_EXAMPLE)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
