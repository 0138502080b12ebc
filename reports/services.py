"""Every write of the reports app: page opens, feed tokens, exports, snapshots."""

import logging
import tempfile
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from council.models import Meeting
from residents.models import Community, Resident

from . import exports, metrics
from .kept import DASHBOARDS, DISTRICT_PAGES, PAGE_OPENS
from .models import (
    EXPORT_KEEP_FOR,
    PERSONAL_KINDS,
    CalendarFeed,
    Export,
    ExportKind,
    ExportStatus,
    MetricSnapshot,
    PageOpen,
)

logger = logging.getLogger(__name__)

SNAPSHOT_CHUNK = 200  # communities counted per query


def page_open_wish(*, resident: Resident, meeting: Meeting, page: str, object_id: int):
    """The resident's opening of the page noted, as a kept_or_built() wish read
    with the page's other kept parts: the row is written when the cache does not
    remember the noting (the first opening in a day; the unique constraint
    ignores a second row)."""

    def build() -> bool:
        PageOpen.objects.bulk_create(
            [
                PageOpen(
                    community_id=resident.community_id,
                    resident=resident,
                    meeting=meeting,
                    page=page,
                    object_id=object_id,
                )
            ],
            ignore_conflicts=True,
        )
        return True

    return (PAGE_OPENS, str(resident.pk), (page, object_id), build)


# -- calendar feeds


def calendar_feed_for(*, community: Community, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(community=community, user=user)
    return feed


def calendar_feed_reset(*, feed: CalendarFeed) -> CalendarFeed:
    """Give the feed a new secret address; the old one stops working at once."""
    feed.token = CalendarFeed._meta.get_field("token").default()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    return feed


# -- exports


@transaction.atomic
def export_request(
    *,
    community: Community,
    by,
    kind: str,
    file_format: str,
    meeting: Meeting | None = None,
    include_contact_details: bool = False,
    language: str | None = None,
) -> Export:
    """Record the request (who, what, when) and queue the file to be written."""
    if kind in PERSONAL_KINDS and not by.has_perm(
        "reports.export_residents", community
    ):
        raise PermissionDenied
    if kind == ExportKind.ATTENDANCE and (
        meeting is None or meeting.community_id != community.pk
    ):
        raise ValidationError(_("Choose the meeting whose attendance to export."))
    export = Export.objects.create(
        community=community,
        created_by=by,
        kind=kind,
        file_format=file_format,
        meeting=meeting if kind == ExportKind.ATTENDANCE else None,
        include_contact_details=include_contact_details and kind in PERSONAL_KINDS,
        language=language or translation.get_language() or "zh-hans",
    )
    if export.holds_personal_data:
        logger.info(
            "personal data export %s of %s asked by user %s",
            export.pk,
            community.slug,
            getattr(by, "pk", None),
        )
    from .tasks import run_export

    transaction.on_commit(lambda: run_export.delay(export.pk))
    return export


def export_run(*, export: Export) -> Export:
    """Write the export's file, saving progress as it goes. Safe to run again."""
    export.status = ExportStatus.RUNNING
    export.rows_written = 0
    export.total_rows = exports.row_count(export)
    export.save(update_fields=["status", "rows_written", "total_rows"])

    def progress(rows: int) -> None:
        Export.objects.filter(pk=export.pk).update(rows_written=rows)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    try:
        with translation.override(export.language), tempfile.TemporaryFile() as out:
            exports.write(export, out, progress=progress)
            out.seek(0)
            name = f"{export.community.slug}-{export.kind}-{stamp}.{export.file_format}"
            export.file.save(name, File(out), save=False)
            export.file_name = name
    except Exception as error:  # noqa: BLE001 - recorded for staff, then re-raised
        export.status = ExportStatus.FAILED
        export.failure = str(error)[:2000]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "failure", "finished_at"])
        raise
    now = timezone.now()
    export.status = ExportStatus.DONE
    export.rows_written = export.total_rows
    export.finished_at = now
    export.expires_at = now + EXPORT_KEEP_FOR
    export.save(
        update_fields=[
            "status",
            "rows_written",
            "file",
            "file_name",
            "finished_at",
            "expires_at",
        ]
    )
    return export


def export_downloaded(*, export: Export) -> None:
    if export.downloaded_at is None:
        export.downloaded_at = timezone.now()
        export.save(update_fields=["downloaded_at"])


def exports_expire(*, now: datetime | None = None) -> int:
    """Delete the files of exports older than a day; keep the rows as the record."""
    now = now or timezone.now()
    expired = 0
    for export in Export.objects.filter(status=ExportStatus.DONE, expires_at__lte=now):
        if export.file:
            export.file.delete(save=False)
        export.status = ExportStatus.EXPIRED
        export.save(update_fields=["status", "file"])
        expired += 1
    return expired


# -- monthly snapshots


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month as [start, end) in the project's time zone (Asia/Shanghai)."""
    following = (month + timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(month, time()), zone),
        timezone.make_aware(datetime.combine(following, time()), zone),
    )


def snapshots_make(*, month: date | None = None, community_ids=None) -> int:
    """Count the month's figures for the communities and store them (upsert).

    Without a month: the current month, and on the first three days of a month
    also the one before (acts recorded late still count in it).
    """
    today = timezone.localdate()
    if month is None:
        months = [month_start(today)]
        if today.day <= 3:
            months.insert(0, month_start(months[0] - timedelta(days=1)))
    else:
        months = [month_start(month)]
    if community_ids is None:
        community_ids = list(
            Community.objects.order_by("pk").values_list("pk", flat=True)
        )
    made = 0
    for current in months:
        start, end = month_bounds(current)
        for i in range(0, len(community_ids), SNAPSHOT_CHUNK):
            chunk = community_ids[i : i + SNAPSHOT_CHUNK]
            counted = metrics.figures(
                community_ids=chunk, scope=metrics.Scope(start=start, end=end)
            )
            now = timezone.now()
            MetricSnapshot.objects.bulk_create(
                [
                    MetricSnapshot(
                        community_id=pk, month=current, figures=values, computed_at=now
                    )
                    for pk, values in counted.items()
                ],
                update_conflicts=True,
                unique_fields=["community", "month"],
                update_fields=["figures", "computed_at"],
            )
            made += len(chunk)
    _snapshots_changed(community_ids)
    return made


def _snapshots_changed(community_ids) -> None:
    """The dashboards and district pages show the new snapshots from the next visit."""
    DASHBOARDS.changed(*(str(pk) for pk in community_ids))
    districts = (
        Community.objects.filter(pk__in=community_ids, district__isnull=False)
        .values_list("district_id", flat=True)
        .distinct()
    )
    DISTRICT_PAGES.changed(*(str(pk) for pk in districts))
