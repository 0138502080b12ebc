"""The resident-list import: prepare, map columns, confirm, run, cancel."""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import importing
from ..models import (
    Community,
    ImportStatus,
    Resident,
    ResidentImport,
)
from .communities import community_stats_changed

User = get_user_model()
logger = logging.getLogger(__name__)


IMPORT_BATCH_SIZE = 1000


def _existing_mobiles(community: Community):
    def lookup(mobiles: list[str]) -> set[str]:
        found: set[str] = set()
        unique = sorted(set(mobiles))
        for start in range(0, len(unique), 500):
            found.update(
                Resident.objects.filter(
                    community=community, mobile__in=unique[start : start + 500]
                ).values_list("mobile", flat=True)
            )
        return found

    return lookup


def _existing_people(community: Community):
    """Registered residents by name and address: {person_key: [mobile, ...]}."""

    def lookup(names: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        unique = sorted(set(names))
        for start in range(0, len(unique), 500):
            for name, building, unit, room, mobile in Resident.objects.filter(
                community=community, name__in=unique[start : start + 500]
            ).values_list("name", "building", "unit", "room", "mobile"):
                key = importing.person_key(
                    name=name, building=building, unit=unit, room=room
                )
                found.setdefault(key, []).append(mobile)
        return found

    return lookup


def _check_import(parsed: importing.ParsedFile, community: Community) -> None:
    importing.check_rows(
        parsed,
        existing_mobiles=_existing_mobiles(community),
        existing_people=_existing_people(community),
    )


def _import_counts(parsed: importing.ParsedFile) -> dict:
    return {
        "valid_rows": len(parsed.clean_rows),
        "warning_rows": len(parsed.warning_rows),
        "error_rows": len(parsed.report),
    }


@transaction.atomic
def resident_import_prepare(
    *, community: Community, uploaded_by: User, file_name: str, data: bytes
) -> ResidentImport:
    """Read and check an uploaded file and keep the result until staff confirm.

    Raises ImportFileError (a ValidationError) when the file cannot be read at all.
    """
    parsed = importing.read_file(file_name=file_name, data=data)
    _check_import(parsed, community)
    return ResidentImport.objects.create(
        community=community,
        created_by=uploaded_by,
        file_name=file_name[:255],
        file_format=parsed.file_format,
        encoding=parsed.encoding,
        columns=parsed.columns,
        preview=parsed.preview,
        raw_rows=parsed.raw_rows,
        rows=parsed.rows,
        report=parsed.report,
        total_rows=parsed.total_rows,
        **_import_counts(parsed),
    )


def _locked_open_import(resident_import: ResidentImport) -> ResidentImport:
    resident_import = ResidentImport.objects.select_for_update().get(
        pk=resident_import.pk
    )
    if not resident_import.is_open:
        raise ValidationError(
            _("This import was already confirmed or cancelled."), code="not_open"
        )
    return resident_import


@transaction.atomic
def resident_import_map_columns(
    *, resident_import: ResidentImport, fields_by_column: dict[int, str]
) -> ResidentImport:
    """Say which field each unrecognised column holds ('' = do not import it).

    Every row is checked again with the new columns, against the residents
    registered now. Columns whose title was recognised keep their field. Locks the
    import row, so a confirm cannot start from the old rows meanwhile.
    """
    resident_import = _locked_open_import(resident_import)
    if resident_import.total_rows and not resident_import.raw_rows:
        raise ValidationError(
            _(
                "This import was checked before columns could be chosen. Upload the "
                "file again to choose its columns."
            ),
            code="no_raw_rows",
        )
    columns = [dict(column) for column in resident_import.columns]
    for column in columns:
        if column.get("auto", bool(column["field"])):
            continue
        if column["index"] not in fields_by_column:
            continue
        chosen = fields_by_column[column["index"]] or ""
        if chosen and chosen not in importing.FIELDS:
            raise ValidationError(
                _("“%(field)s” is not a field of a resident.") % {"field": chosen},
                code="unknown_field",
            )
        column["field"] = chosen
    seen: dict[str, str] = {}
    for column in columns:
        name = column["field"]
        if not name or name in importing.MULTI_COLUMN_FIELDS:
            continue
        if name in seen:
            raise ValidationError(
                _(
                    "The columns “%(first)s” and “%(second)s” cannot both go into "
                    "“%(field)s”. Choose “do not import” for one of them, or "
                    "“notes”."
                )
                % {
                    "first": seen[name],
                    "second": column["header"],
                    "field": importing.field_label(name),
                },
                code="field_twice",
            )
        seen[name] = column["header"]
    parsed = importing.ParsedFile(
        file_format=resident_import.file_format,
        encoding=resident_import.encoding,
        columns=columns,
        raw_rows=resident_import.raw_rows,
        total_rows=resident_import.total_rows,
    )
    _check_import(parsed, resident_import.community)
    resident_import.columns = columns
    resident_import.rows = parsed.rows
    resident_import.report = parsed.report
    counts = _import_counts(parsed)
    for name, value in counts.items():
        setattr(resident_import, name, value)
    resident_import.failure = ""
    resident_import.save(
        update_fields=["columns", "rows", "report", "failure", *counts]
    )
    return resident_import


@transaction.atomic
def resident_import_confirm(
    *,
    resident_import: ResidentImport,
    accept_no_mobile_column: bool = False,
    include_possible_duplicates: bool = False,
    include_unreadable_text: bool = False,
) -> ResidentImport:
    """Queue the import of the valid rows; the Celery task does the writing.

    Rows with a warning are imported only when staff confirm that kind of
    warning, and a file without a mobile-number column only when staff say they
    know. Locks the import row so a double click queues it once.
    """
    from ..tasks import run_resident_import

    resident_import = _locked_open_import(resident_import)
    if resident_import.lacks_mobile_column and not accept_no_mobile_column:
        raise ValidationError(
            _(
                "No column of this file holds mobile numbers, so every resident "
                "would be imported without one. Choose the column that holds them, "
                "or tick “Import without mobile numbers” to go on."
            ),
            code="no_mobile_column",
        )
    accepted = []
    if accept_no_mobile_column:
        accepted.append(importing.NO_MOBILE_COLUMN)
    if include_possible_duplicates:
        accepted.append(importing.POSSIBLE_DUPLICATE)
    if include_unreadable_text:
        accepted.append(importing.UNREADABLE_TEXT)
    to_import = [
        row
        for row in resident_import.rows
        if all(w["kind"] in accepted for w in row.get("warnings") or [])
    ]
    if not to_import:
        raise ValidationError(
            _("No row would be imported. Correct the file and upload it again."),
            code="nothing_to_import",
        )
    resident_import.status = ImportStatus.QUEUED
    resident_import.progress = 0
    resident_import.failure = ""
    resident_import.accepted_warnings = accepted
    resident_import.confirmed_at = timezone.now()
    resident_import.save(
        update_fields=[
            "status",
            "progress",
            "failure",
            "accepted_warnings",
            "confirmed_at",
        ]
    )
    pk = resident_import.pk
    transaction.on_commit(lambda: _enqueue_import(pk, run_resident_import))
    return resident_import


def _enqueue_import(pk: int, task) -> None:
    """Queue the import task; when the broker cannot be reached, reopen the import."""
    try:
        task.delay(pk)
    except Exception:  # kombu raises several kinds when the broker is down
        logger.exception("could not queue residents import %s", pk)
        ResidentImport.objects.filter(pk=pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.READY,
            failure=_(
                "The background worker could not be reached, so nothing was "
                "imported. Try again in a moment; if it keeps failing, tell the "
                "administrator."
            ),
        )


@transaction.atomic
def resident_import_cancel(*, resident_import: ResidentImport) -> ResidentImport:
    """Drop a waiting import: nothing is written and its rows are forgotten."""
    resident_import = _locked_open_import(resident_import)
    resident_import.status = ImportStatus.CANCELLED
    resident_import.rows = []
    resident_import.raw_rows = []
    resident_import.finished_at = timezone.now()
    resident_import.save(update_fields=["status", "rows", "raw_rows", "finished_at"])
    return resident_import


def _set_progress(resident_import: ResidentImport, status: str, progress: int) -> None:
    ResidentImport.objects.filter(pk=resident_import.pk).update(
        status=status, progress=progress
    )


def resident_import_run(*, resident_import: ResidentImport) -> ResidentImport:
    """Write every valid row of a confirmed import, all or nothing.

    First re-checks the rows against residents registered since the preview (the
    progress shows while it does), and moves rows whose warning staff did not
    confirm into the report; then writes all remaining rows in one transaction:
    either they all go in, or none do and the import is marked failed. Running it
    again on a finished import does nothing.
    """
    with transaction.atomic():
        resident_import = ResidentImport.objects.select_for_update().get(
            pk=resident_import.pk
        )
        if not resident_import.is_running:
            return resident_import  # finished, cancelled, or never confirmed
        resident_import.status = ImportStatus.CHECKING
        resident_import.save(update_fields=["status"])
    community = resident_import.community
    parsed = importing.ParsedFile(
        file_format=resident_import.file_format,
        rows=list(resident_import.rows),
        report=list(resident_import.report),
    )
    lookup = _existing_mobiles(community)
    mobiles = [row["mobile"] for row in parsed.rows if row["mobile"]]
    taken: set[str] = set()
    step = 2000
    for start in range(0, len(mobiles), step):
        taken |= lookup(mobiles[start : start + step])
        _set_progress(
            resident_import,
            ImportStatus.CHECKING,
            min(40, 40 * (start + step) // max(len(mobiles), 1)),
        )
    importing.mark_existing(parsed, lambda _mobiles: taken)
    importing.mark_existing_people(
        parsed, _existing_people(community), kind=importing.REGISTERED_SINCE
    )
    importing.hold_back(parsed, accepted=set(resident_import.accepted_warnings))
    _set_progress(resident_import, ImportStatus.WRITING, 50)
    try:
        with transaction.atomic():
            locked = ResidentImport.objects.select_for_update().get(
                pk=resident_import.pk
            )
            if not locked.is_running:
                return locked  # a redelivered task finished it meanwhile
            Resident.objects.bulk_create(
                [
                    Resident(community=community, **importing.resident_fields(row))
                    for row in parsed.rows
                ],
                batch_size=IMPORT_BATCH_SIZE,
            )
            locked.status = ImportStatus.DONE
            locked.progress = 100
            locked.imported_count = len(parsed.rows)
            locked.valid_rows = len(parsed.rows)
            locked.warning_rows = 0
            locked.report = parsed.report
            locked.error_rows = len(parsed.report)
            locked.rows = []
            locked.raw_rows = []
            locked.finished_at = timezone.now()
            locked.save()
            community_stats_changed(community_id=community.pk)
            return locked
    except IntegrityError:
        # A resident with one of these numbers was saved between the check and
        # the write; nothing of this import was written.
        ResidentImport.objects.filter(pk=resident_import.pk).update(
            status=ImportStatus.FAILED,
            failure=_(
                "Another resident with one of these mobile numbers was registered "
                "while the import ran; nothing was imported. Upload the file again."
            ),
            raw_rows=[],
            finished_at=timezone.now(),
        )
        return ResidentImport.objects.get(pk=resident_import.pk)
