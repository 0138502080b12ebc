"""Rows against who is registered, rows held back, and the fields confirm writes."""

import datetime

from django.utils.translation import gettext as _

from .fields import POSSIBLE_DUPLICATE, REGISTERED_SINCE, ParsedFile
from .values import address_text, person_key


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
