"""What an import column can hold, the parsed file, and the warning kinds."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, pgettext_lazy

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
