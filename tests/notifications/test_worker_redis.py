"""A real Celery worker (celery.contrib.testing) on the real Redis broker."""

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections

from config.celery import app
from notifications.models import Channel, Delivery, DeliveryStatus, LoggedSms
from notifications.services import delivery_send, notify
from tests.notifications.conftest import FakeGateway

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _close_worker_connections(**kwargs):
    # The worker thread opens its own database connections: close them after each
    # task so the test database can be flushed and dropped.
    connections.close_all()


@pytest.fixture
def worker():
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as running:
            yield running
    finally:
        task_postrun.disconnect(_close_worker_connections)


def wait_until(condition, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def test_worker_delivers_email_and_sms_through_redis(
    worker, resident_user, offline_resident
):
    notify(
        recipients=[resident_user, offline_resident],
        kind="test_event",
        context={"title": "明晚七点议事会"},
        dedupe_key="meeting:9:reminder",
        link="/c/tingtang/",
    )  # autocommit: queued at once, as after a real request

    assert wait_until(
        lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3
    ), list(Delivery.objects.values_list("channel", "status", "last_error"))
    assert LoggedSms.objects.count() == 2
    assert sorted(LoggedSms.objects.values_list("mobile", flat=True)) == sorted(
        [resident_user.mobile, offline_resident.mobile]
    )
    assert [m.to for m in mail.outbox] == [[resident_user.email]]


def test_worker_retries_a_failing_gateway_and_sends_once_after_4_attempts(
    worker, offline_resident, settings
):
    gateway = FakeGateway()
    gateway.thread.start()
    try:
        gateway.script = [503, 503, "isp.SYSTEM_ERROR", "OK"]
        settings.SMS_BACKEND = "notifications.sms.AliyunSmsBackend"
        settings.SMS_ALIYUN_ENDPOINT = gateway.url
        settings.SMS_ALIYUN_ACCESS_KEY_ID = "test-key-id"
        settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "test-key-secret"
        settings.SMS_TEMPLATES = {"default": "SMS_100"}
        settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0.2

        notify(
            recipients=[offline_resident],
            kind="test_event",
            context={"title": "停水通知"},
            dedupe_key="water:2",
        )
        delivery = Delivery.objects.get(channel=Channel.SMS)
        assert wait_until(
            lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
        )
        delivery.refresh_from_db()
        assert delivery.attempts == 4
        assert len(gateway.requests) == 4
        assert len(gateway.sent) == 1
    finally:
        gateway.server.shutdown()
        gateway.server.server_close()


@pytest.mark.postgres
def test_two_tasks_for_one_delivery_at_once_send_it_once(offline_resident, settings):
    """The row lock makes the other tasks skip the delivery one worker is sending."""
    gateway = FakeGateway()
    gateway.thread.start()
    try:
        gateway.script = [("sleep", 0.5)]
        settings.SMS_BACKEND = "notifications.sms.AliyunSmsBackend"
        settings.SMS_ALIYUN_ENDPOINT = gateway.url
        settings.SMS_ALIYUN_ACCESS_KEY_ID = "test-key-id"
        settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "test-key-secret"
        settings.SMS_TEMPLATES = {"default": "SMS_100"}
        notify(
            recipients=[offline_resident],
            kind="test_event",
            context={"title": "x"},
            dedupe_key="race:1",
        )
        delivery = Delivery.objects.get()

        def send():
            try:
                delivery_send(delivery_id=delivery.pk)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT
        assert delivery.attempts == 1
        assert len(gateway.requests) == 1
    finally:
        gateway.server.shutdown()
        gateway.server.server_close()
