"""A worker killed with SIGKILL in the middle of 1,000 deliveries loses and doubles
nothing: after a restart (and the sweep) every message is sent exactly once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db.models import Count

from config.celery import app
from notifications.models import Delivery, DeliveryStatus, LoggedSms
from notifications.models import NotificationPreference as Pref
from notifications.services import deliveries_sweep, notify
from residents.models import Resident

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]
BATCH = 1000
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = django_settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),  # the test database, where the rows are
        "REDIS_URL": django_settings.REDIS_URL,
        "YISHIHUI_TESTING": "1",
        "SMS_BACKEND": "notifications.sms.LoggingSmsBackend",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=2",
            "--loglevel=WARNING",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"fault-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill takes the pool too
    )


def kill_hard(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)


def wait_for(condition, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def test_killed_worker_restarted_delivers_every_message_exactly_once(
    community, tmp_path, settings
):
    residents = Resident.objects.bulk_create(
        Resident(community=community, name=f"居民{i}", mobile=f"138{i:08d}")
        for i in range(BATCH)
    )
    # Night or day, these go out now (quiet hours are a per-person choice).
    Pref.objects.bulk_create(Pref(resident=r, sms_quiet_hours=False) for r in residents)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)

    log = tmp_path / "worker.log"
    worker = start_worker(log)
    try:
        notify(
            recipients=residents,
            kind="test_event",
            context={"title": "议事会明天开会"},
            dedupe_key="meeting:1:reminder24h",
        )
        assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == BATCH

        started = wait_for(lambda: LoggedSms.objects.count() >= 100, timeout=60)
        assert started, log.read_text()[-3000:]
        kill_hard(worker)
        time.sleep(1)  # let the server finish a commit the worker sent before dying
        sent_at_kill = LoggedSms.objects.count()
        assert 0 < sent_at_kill < BATCH, "the kill must land in the middle of the batch"

        # Messages the dead worker held stay unacknowledged in Redis; the sweep
        # (beat runs it every minute) queues their deliveries again. Queue every
        # pending one once more now, so the restarted worker also meets duplicates.
        settings.NOTIFICATIONS_STUCK_AFTER_SECONDS = 0
        requeued = deliveries_sweep()
        assert requeued == BATCH - sent_at_kill

        worker = start_worker(log)
        done = wait_for(
            lambda: not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists(),
            timeout=240,
        )
        assert done, log.read_text()[-3000:]
    finally:
        if worker.poll() is None:
            kill_hard(worker)

    assert LoggedSms.objects.count() == BATCH
    per_delivery = LoggedSms.objects.values("reference").annotate(n=Count("pk"))
    assert per_delivery.count() == BATCH
    assert {row["n"] for row in per_delivery} == {1}
    assert set(LoggedSms.objects.values_list("mobile", flat=True)) == {
        r.mobile for r in residents
    }
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
