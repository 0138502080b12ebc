"""The embedded default: a real worker on kombu's filesystem transport (no Redis)."""

import time

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from notifications.models import Delivery, DeliveryStatus, LoggedSms
from notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


def _close_connections(**kwargs):
    connections.close_all()


@pytest.fixture
def filesystem_app(tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    app = Celery("filesystem-test", set_as_current=False)
    app.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(tmp_path / "control"),
            "store_processed": False,
        },
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
    )
    app.finalize()
    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        ):
            yield app
    finally:
        task_postrun.disconnect(_close_connections)


def test_filesystem_worker_delivers(filesystem_app, offline_resident, resident_user):
    assert "notifications.tasks.deliver_batch" in filesystem_app.tasks
    notify(
        recipients=[offline_resident, resident_user],
        kind="test_event",
        context={"title": "议事会明天开会"},
        dedupe_key="meeting:4:reminder",
    )
    ids = list(Delivery.objects.values_list("pk", flat=True))
    filesystem_app.send_task("notifications.tasks.deliver_batch", args=[ids])

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists():
            break
        time.sleep(0.1)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert LoggedSms.objects.count() == 2
