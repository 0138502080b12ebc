"""An export through a real Celery worker (kombu's filesystem transport, as in the
quick start): queued by the page, written by the worker, with progress saved."""

import io
import threading
import time

import pytest
from celery.signals import task_postrun
from django.urls import reverse
from openpyxl import load_workbook

import reports.tasks  # noqa: F401  (registers the task before the worker starts)
from reports.models import Export, ExportStatus
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_writes_a_residents_export_of_every_row(
    filesystem_app, client, town, settings
):
    for n in range(2500):  # more than one chunk: progress is saved between them
        ResidentFactory(community=town.community, name=f"居民{n:04d}")
    client.force_login(town.staff)
    response = client.post(
        reverse("reports:exports", args=[town.community.slug]),
        {"kind": "residents", "file_format": "xlsx"},
    )
    export = Export.objects.get()
    assert response.url == export.get_absolute_url()
    assert "reports.tasks.run_export" in filesystem_app.tasks
    finished = threading.Event()

    def done(sender=None, **kwargs):
        if getattr(sender, "name", "") == "reports.tasks.run_export":
            finished.set()

    # Wait for the worker's word rather than polling the row: on the in-memory
    # SQLite of the quick-start run, a read while the worker saves its progress
    # made that save fail ("database table is locked"), 1 run in 3.
    task_postrun.connect(done, weak=False)
    try:
        filesystem_app.send_task("reports.tasks.run_export", args=[export.pk])
        assert finished.wait(60), "the worker did not finish the export in 60 s"
    finally:
        task_postrun.disconnect(done)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.failure
    assert export.total_rows == export.rows_written == 2505
    with export.file.open("rb") as f:
        rows = list(
            load_workbook(io.BytesIO(f.read())).active.iter_rows(values_only=True)
        )
    assert len(rows) == 2506
    assert rows[0][0] == "姓名"
    # A second delivery of the same task does nothing (the export is done).
    filesystem_app.send_task("reports.tasks.run_export", args=[export.pk])
    time.sleep(1)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
