"""Reminders through a real Celery worker on Redis: the ETA task and the sweep."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.utils import timezone

from config.celery import app
from council import services
from council.services import meetings as meeting_services
from council.tasks import sweep_meeting_reminders
from notifications.models import Notification
from tests.council.factories import seat_council

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _close_worker_connections(**kwargs):
    connections.close_all()


@pytest.fixture
def worker():
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING"
        ) as running:
            yield running
    finally:
        task_postrun.disconnect(_close_worker_connections)


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def reminders():
    return Notification.objects.filter(kind="council_meeting_reminder")


def test_eta_task_sends_the_2h_reminder_once(worker, community, staff_user):
    seat_council(community, by=staff_user)
    starts_at = timezone.now() + timedelta(hours=2, seconds=3)
    meeting = services.meeting_schedule(
        community=community,
        by=staff_user,
        title="临时议事会",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        place="村委会",
        confirm_short_window=True,
    )  # autocommit: the ETA task is queued at once
    assert reminders().count() == 0
    assert wait_until(lambda: reminders().count() == 6), reminders().count()
    assert all("2 小时后开会" in n.subject for n in reminders())
    # A sweep afterwards finds nothing left to send: exactly once.
    sweep_meeting_reminders.delay()
    time.sleep(2)
    assert reminders().count() == 6
    assert meeting.pk


def test_sweep_sends_a_reminder_the_eta_task_missed(worker, community, staff_user):
    seat_council(community, by=staff_user)
    starts_at = timezone.now() + timedelta(hours=20)
    with pytest.MonkeyPatch.context() as patch:
        # The ETA tasks are lost (broker flushed): nothing is queued.
        patch.setattr(meeting_services, "_schedule_reminders", lambda meeting: None)
        services.meeting_schedule(
            community=community,
            by=staff_user,
            title="明天的议事会",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            place="村委会",
            confirm_short_window=True,
        )
    assert reminders().count() == 0
    sweep_meeting_reminders.delay()
    assert wait_until(lambda: reminders().count() == 6), reminders().count()
    sweep_meeting_reminders.delay()
    time.sleep(2)
    assert reminders().count() == 6
    assert all("明天开会" in n.subject for n in reminders())
