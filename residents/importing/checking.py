"""Checking rows: each row's problems and warnings, and parsing a file end to end."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..mobile import normalize_mobile
from .committing import _row_key, mark_existing, mark_existing_people
from .fields import (
    _HEADER_LOOKUP,
    _LIMITS,
    _UNREADABLE_FIELDS,
    FIELDS,
    MULTI_COLUMN_FIELDS,
    POSSIBLE_DUPLICATE,
    REPLACEMENT_CHARACTER,
    UNREADABLE_TEXT,
    ParsedFile,
    _header_key,
    field_label,
)
from .reading import _cell, _parse_tags, read_file
from .values import _address_part_key, _check_birth, split_address


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
