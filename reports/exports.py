"""The tables staff export: their columns, their rows, and the files they go into.

Each table is a title, headers (in the language of the person who asked, since
the export runs with it active) and rows read in chunks. Rows become
`tablib.Dataset`s; CSV is written by tablib chunk by chunk, and .xlsx by openpyxl
in write-only mode (rows go to the file as they come, so memory stays flat for
100,000 rows). Every text cell passes through core.spreadsheets.safe_cell;
dates and times are in Asia/Shanghai.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from core.spreadsheets import safe_cell
from council.models import Attendance
from outcomes.models import ActionItem, ActionStatus, Outcome, Pledge
from residents.models import Resident
from topics.models import Topic
from voting.models import BallotKind, BallotReceipt, Option

from .models import Export, ExportFormat, ExportKind

CHUNK = 2000


def local(value: datetime | None):
    """A naive Asia/Shanghai time (what a spreadsheet shows), or None."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


@dataclass(frozen=True)
class Table:
    title: Callable[[], str]
    headers: Callable[[], list[str]]
    rows: Callable[[Export], QuerySet]
    row: Callable[[Export, object], list]


# -- topics


def _topic_headers():
    return [
        _("Number"),
        _("Title"),
        _("Category"),
        _("Status"),
        _("Submitted"),
        _("Submitted by"),
        _("Recorded by staff on their behalf"),
        _("Supporters"),
        _("Comments"),
        _("Topic collection period"),
        _("Location"),
    ]


def _topic_rows(export):
    return (
        Topic.objects.filter(community=export.community)
        .select_related("submitter", "window")
        .order_by("pk")
    )


def _topic_row(export, topic):
    return [
        topic.pk,
        topic.title,
        topic.get_category_display(),
        topic.get_status_display(),
        local(topic.created_at),
        topic.submitter.name,
        yes_no(topic.recorded_by_id is not None),
        topic.endorsement_count,
        topic.comment_count,
        topic.window.title if topic.window else "",
        topic.location,
    ]


# -- attendance at a meeting


def _attendance_headers():
    return [
        pgettext("person", "Name"),
        _("Attends as"),
        _("Attendance"),
        _("Seat kind"),
        _("Recorded by staff on their behalf"),
        _("Recorded at"),
    ]


def _attendance_rows(export):
    return (
        Attendance.objects.filter(meeting=export.meeting)
        .select_related("resident", "invitation", "seat__kind")
        .order_by("role", "pk")
    )


def _attendance_row(export, attendance):
    return [
        attendance.display_name,
        attendance.get_role_display(),
        attendance.get_status_display(),
        attendance.seat.kind.name if attendance.seat_id else "",
        yes_no(attendance.on_behalf),
        local(attendance.checked_in_at),
    ]


# -- residents (personal data: staff only, masked unless asked otherwise)


def _resident_headers():
    return [
        pgettext("person", "Name"),
        _("Mobile number"),
        _("Address"),
        _("Household"),
        _("Year of birth"),
        _("Needs attention"),
        _("Has a login"),
        _("Registered"),
    ]


def _resident_rows(export):
    return Resident.objects.filter(community=export.community).order_by(
        "name_pinyin", "pk"
    )


def _resident_row(export, resident):
    full = export.include_contact_details
    return [
        resident.name,
        resident.mobile if full else resident.masked_mobile,
        str(resident.address if full else resident.masked_address),
        resident.household if full else "",
        resident.birth_year,
        "、".join(resident.tag_labels),
        yes_no(resident.has_login),
        local(resident.created_at),
    ]


def _outcome_headers():
    return [
        _("Meeting"),
        _("Agenda item"),
        _("Decision"),
        _("Status"),
        _("Responsible"),
        _("Decided"),
        _("Implemented"),
        _("Action items done"),
        _("Action items"),
        _("Ratings"),
        _("Average rating"),
    ]


def _outcome_rows(export):
    return (
        Outcome.objects.filter(community=export.community)
        .select_related(
            "meeting", "agenda_item", "responsible_organization", "responsible_resident"
        )
        .order_by("pk")
    )


def _outcome_row(export, outcome):
    return [
        outcome.meeting.title,
        outcome.agenda_item.title,
        outcome.decision,
        outcome.get_status_display(),
        outcome.responsible_name,
        local(outcome.decided_at),
        local(outcome.implemented_at),
        outcome.action_done,
        outcome.action_total,
        outcome.rating_count,
        outcome.rating_average,
    ]


def _action_headers():
    return [
        _("Outcome"),
        _("What is to be done"),
        _("Owner"),
        _("Due"),
        _("Status"),
        _("Done"),
        _("Overdue"),
    ]


def _action_rows(export):
    return (
        ActionItem.objects.filter(community=export.community)
        .select_related(
            "outcome__agenda_item", "owner_resident", "owner_user", "owner_organization"
        )
        .order_by("outcome_id", "position", "pk")
    )


def _action_row(export, item):
    today = timezone.localdate()
    return [
        item.outcome.agenda_item.title,
        item.description,
        item.owner_name,
        item.due_on,
        item.get_status_display(),
        local(item.done_at),
        yes_no(item.status != ActionStatus.DONE and item.due_on < today),
    ]


def _pledge_headers():
    return [
        _("Outcome"),
        _("What is needed"),
        _("Pledged by"),
        _("Quantity pledged"),
        _("Received"),
        _("Unit"),
        _("Status"),
        _("Recorded by staff on their behalf"),
        _("Pledged"),
    ]


def _pledge_rows(export):
    return (
        Pledge.objects.filter(community=export.community)
        .select_related("need__outcome__agenda_item", "resident", "organization")
        .order_by("need_id", "pk")
    )


def _pledge_row(export, pledge):
    return [
        pledge.need.outcome.agenda_item.title,
        pledge.need.description,
        pledge.pledger_name,
        pledge.quantity,
        pledge.received_quantity,
        pledge.need.unit,
        pledge.get_status_display(),
        yes_no(pledge.on_behalf),
        local(pledge.pledged_at),
    ]


def _ballot_headers():
    return [
        _("Vote"),
        _("Voter"),
        _("Choice"),
        _("Cast"),
        _("Voted"),
    ]


def _ballot_rows(export):
    # Open (named) ballots only: a secret ballot is never linked to its voter.
    return (
        BallotReceipt.objects.filter(
            voting_round__community=export.community,
            voting_round__ballot=BallotKind.OPEN,
        )
        .select_related("voting_round", "voter")
        .order_by("voting_round_id", "pk")
    )


def _ballot_row(export, receipt):
    labels = _option_labels(export, receipt.voting_round_id)
    return [
        receipt.voting_round.question,
        receipt.voter.name,
        "、".join(labels.get(pk, "") for pk in receipt.options),
        receipt.get_via_display(),
        local(receipt.cast_at),
    ]


def _option_labels(export, round_id) -> dict:
    """The options' names of a round, read once per export and round."""
    cache = export.__dict__.setdefault("_option_labels", {})
    if round_id not in cache:
        cache[round_id] = {
            o.pk: str(o.label) for o in Option.objects.filter(voting_round_id=round_id)
        }
    return cache[round_id]


TABLES: dict[str, Table] = {
    ExportKind.TOPICS: Table(
        lambda: _("Topics"), _topic_headers, _topic_rows, _topic_row
    ),
    ExportKind.ATTENDANCE: Table(
        lambda: _("Attendance"), _attendance_headers, _attendance_rows, _attendance_row
    ),
    ExportKind.RESIDENTS: Table(
        lambda: _("Residents"), _resident_headers, _resident_rows, _resident_row
    ),
    ExportKind.OUTCOMES: Table(
        lambda: _("Outcomes"), _outcome_headers, _outcome_rows, _outcome_row
    ),
    ExportKind.ACTION_ITEMS: Table(
        lambda: _("Action items"), _action_headers, _action_rows, _action_row
    ),
    ExportKind.PLEDGES: Table(
        lambda: _("Pledges"), _pledge_headers, _pledge_rows, _pledge_row
    ),
    ExportKind.BALLOTS: Table(
        lambda: _("Ballots"), _ballot_headers, _ballot_rows, _ballot_row
    ),
}


def table_for(export: Export) -> Table:
    return TABLES[export.kind]


def row_count(export: Export) -> int:
    return table_for(export).rows(export).count()


def datasets(export: Export) -> Iterator[tablib.Dataset]:
    """The rows of the export as datasets of up to CHUNK rows, cells made safe."""
    table = table_for(export)
    headers = table.headers()
    dataset = tablib.Dataset(headers=headers, title=table.title()[:31])
    for obj in table.rows(export).iterator(chunk_size=CHUNK):
        dataset.append([safe_cell(v) for v in table.row(export, obj)])
        if len(dataset) >= CHUNK:
            yield dataset
            dataset = tablib.Dataset(headers=headers, title=dataset.title)
    if len(dataset) or dataset.headers:
        yield dataset


def write(export: Export, out, *, progress: Callable[[int], None]) -> None:
    """Write the export to the binary file `out`; call progress(rows so far)."""
    written = 0
    if export.file_format == ExportFormat.CSV:
        out.write("\ufeff".encode())  # Excel then reads the UTF-8 as Chinese
        first = True
        for dataset in datasets(export):
            text = dataset.export("csv")
            if not first:
                text = text.split("\r\n", 1)[1] if "\r\n" in text else ""
            out.write(text.encode("utf-8"))
            first = False
            written += len(dataset)
            progress(written)
        return
    workbook = Workbook(write_only=True)
    sheet = None
    for dataset in datasets(export):
        if sheet is None:
            sheet = workbook.create_sheet(title=dataset.title or "Sheet1")
            sheet.append(dataset.headers)
        for values in dataset:
            sheet.append(list(values))
        written += len(dataset)
        progress(written)
    workbook.save(out)
