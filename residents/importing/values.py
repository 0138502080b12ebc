"""Values in cells that need reading: dates of birth and addresses."""

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _

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
