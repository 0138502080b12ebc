"""Sending: quiet hours, retries with backoff, permanent failures, exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services, tasks
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    LoggedSms,
    NotificationPreference,
)
from notifications.services import deliveries_sweep, delivery_send, notify, retry_delay
from tests.notifications.conftest import run_due_deliveries

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour, minute=0, day=23):
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def tell(recipients, key="topic:7:accepted"):
    return notify(
        recipients=recipients,
        kind="test_event",
        context={"title": "您的议题已列入议程"},
        dedupe_key=key,
    )


def sms_delivery():
    return Delivery.objects.get(channel=Channel.SMS)


def test_sms_in_quiet_hours_is_deferred_to_eight_and_then_delivered(
    offline_resident, daytime
):
    daytime.move_to(at(22, 30))
    tell([offline_resident])
    delivery = sms_delivery()

    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0  # deferring is not a try
    assert delivery.next_attempt_at == at(8, day=24)
    assert LoggedSms.objects.count() == 0

    daytime.move_to(at(3, day=24))  # an early duplicate task: still nothing
    delivery_send(delivery_id=delivery.pk)
    assert LoggedSms.objects.count() == 0

    daytime.move_to(at(8, day=24))
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert timezone.localtime(delivery.sent_at, SHANGHAI).hour == 8
    assert LoggedSms.objects.count() == 1


def test_quiet_hours_before_eight_defer_to_the_same_morning(offline_resident, daytime):
    daytime.move_to(at(6, 15))
    tell([offline_resident])
    delivery_send(delivery_id=sms_delivery().pk)
    assert sms_delivery().next_attempt_at == at(8)


def test_deferred_sms_is_queued_with_an_eta(
    offline_resident, daytime, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "notifications.tasks.deliver.apply_async",
        lambda args, eta=None, **kw: queued.append((args[0], eta)),
    )
    daytime.move_to(at(23, 0))
    tell([offline_resident])
    with django_capture_on_commit_callbacks(execute=True):
        delivery_send(delivery_id=sms_delivery().pk)
    assert queued == [(sms_delivery().pk, at(8, day=24))]


def test_email_is_not_held_by_quiet_hours(resident_user, daytime):
    daytime.move_to(at(23, 0))
    tell([resident_user])
    run_due_deliveries()
    assert len(mail.outbox) == 1
    assert sms_delivery().status == DeliveryStatus.PENDING


def test_person_who_allows_night_messages_gets_them_at_night(offline_resident, daytime):
    NotificationPreference.objects.create(
        resident=offline_resident, sms_quiet_hours=False
    )
    daytime.move_to(at(23, 0))
    tell([offline_resident])
    run_due_deliveries()
    assert sms_delivery().status == DeliveryStatus.SENT


def test_gateway_failing_three_times_then_succeeding_sends_once_after_4_attempts(
    offline_resident, gateway, daytime
):
    gateway.script = [503, "isp.SYSTEM_ERROR", "isv.BUSINESS_LIMIT_CONTROL", "OK"]
    tell([offline_resident])
    delivery = sms_delivery()
    waits = []
    for _ in range(10):
        delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        if delivery.is_finished:
            break
        waits.append((delivery.next_attempt_at - timezone.now()).total_seconds())
        daytime.move_to(delivery.next_attempt_at)

    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 4
    assert len(gateway.requests) == 4
    assert len(gateway.sent) == 1
    assert delivery.provider_message_id == "biz-3"
    # exponential backoff with jitter: 30 s, 60 s, 120 s, each times 0.5-1.0
    assert [round(w) for w in waits] != [30, 60, 120]
    for wait, base in zip(waits, (30, 60, 120), strict=True):
        assert base * 0.5 - 1 <= wait <= base + 1
    assert "isv.BUSINESS_LIMIT_CONTROL" in delivery.last_error
    request = gateway.requests[-1]
    assert request["PhoneNumbers"] == "13800001111"
    assert request["TemplateCode"] == "SMS_100"
    assert request["SignName"] == "汀塘社区"
    assert request["OutId"] == f"d{delivery.pk}"


def test_transient_failures_stop_after_the_bounded_number_of_attempts(
    offline_resident, gateway, daytime, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5
    gateway.script = [503]
    tell([offline_resident])
    delivery = sms_delivery()
    for _ in range(20):
        delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        if delivery.is_finished:
            break
        daytime.move_to(delivery.next_attempt_at)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 5
    assert len(gateway.requests) == 5
    assert delivery.next_attempt_at is None
    assert "503" in delivery.last_error


def test_permanent_failure_fails_at_once(offline_resident, gateway):
    gateway.script = ["isv.MOBILE_NUMBER_ILLEGAL"]
    tell([offline_resident])
    delivery_send(delivery_id=sms_delivery().pk)
    delivery = sms_delivery()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("isv.MOBILE_NUMBER_ILLEGAL")


def test_a_sent_delivery_is_never_sent_again(offline_resident):
    tell([offline_resident])
    delivery = sms_delivery()
    for _ in range(3):
        tasks.deliver(delivery.pk)  # e.g. a message redelivered after a crash
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert LoggedSms.objects.count() == 1


def test_task_for_a_missing_delivery_does_nothing():
    tasks.deliver(987654)  # rolled back or deleted: nothing to do, no error


def test_turning_sms_off_after_notify_cancels_the_pending_message(offline_resident):
    tell([offline_resident])
    NotificationPreference.objects.create(resident=offline_resident, sms_enabled=False)
    run_due_deliveries()
    assert sms_delivery().status == DeliveryStatus.CANCELLED
    assert LoggedSms.objects.count() == 0


def test_unexpected_backend_error_is_retried_not_lost(offline_resident, settings):
    settings.SMS_BACKEND = (
        "notifications.sms.BaseSmsBackend"  # raises NotImplementedError
    )
    tell([offline_resident])
    delivery_send(delivery_id=sms_delivery().pk)
    delivery = sms_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "NotImplementedError" in delivery.last_error


def test_retry_delay_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 100
    for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)]:
        delays = {retry_delay(attempts) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1


def test_sweep_requeues_deliveries_whose_task_was_lost(
    offline_resident, daytime, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "notifications.tasks.deliver.apply_async",
        lambda args, **kw: queued.append(args[0]),
    )
    tell([offline_resident])  # its task is "lost": on_commit never runs here
    delivery = sms_delivery()

    assert deliveries_sweep() == 0  # just queued: give the worker time
    daytime.shift(timedelta(minutes=11))
    assert deliveries_sweep() == 1
    assert queued == [delivery.pk]
    assert deliveries_sweep() == 0  # not again until it looks stuck again

    delivery_send(delivery_id=delivery.pk)
    daytime.shift(timedelta(hours=1))
    assert deliveries_sweep() == 0  # sent: nothing to do


def test_sweep_leaves_deliveries_waiting_for_their_time(offline_resident, daytime):
    daytime.move_to(at(22, 0))
    tell([offline_resident])
    delivery_send(delivery_id=sms_delivery().pk)  # deferred to 08:00
    daytime.move_to(at(7, 0, day=24))
    assert deliveries_sweep() == 0
    daytime.move_to(at(8, 11, day=24))
    assert deliveries_sweep() == 1


def test_staff_retry_gives_a_failed_delivery_a_fresh_round(offline_resident, gateway):
    gateway.script = ["isv.MOBILE_NUMBER_ILLEGAL", "OK"]
    tell([offline_resident])
    delivery_send(delivery_id=sms_delivery().pk)
    assert sms_delivery().status == DeliveryStatus.FAILED

    services.delivery_retry(delivery=sms_delivery())
    delivery = sms_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0
    assert delivery.manual_retries == 1
    run_due_deliveries()
    assert sms_delivery().status == DeliveryStatus.SENT


def test_retrying_a_delivery_that_did_not_fail_is_refused(offline_resident):
    from django.core.exceptions import ValidationError

    tell([offline_resident])
    with pytest.raises(ValidationError):
        services.delivery_retry(delivery=sms_delivery())


def test_many_deliveries_are_queued_in_batches(community, monkeypatch, settings):
    from notifications.services import enqueue_deliveries

    settings.NOTIFICATIONS_TASK_BATCH_SIZE = 20
    batches, singles = [], []
    monkeypatch.setattr(
        "notifications.tasks.deliver_batch.apply_async",
        lambda args, **kw: batches.append(args[0]),
    )
    monkeypatch.setattr(
        "notifications.tasks.deliver.apply_async",
        lambda args, **kw: singles.append(args[0]),
    )
    enqueue_deliveries(list(range(1, 46)))
    assert [len(b) for b in batches] == [20, 20, 5]
    assert sum(batches, []) == list(range(1, 46))
    enqueue_deliveries([7])
    enqueue_deliveries([8, 9], eta=timezone.now())  # retries and deferrals: one each
    assert singles == [7, 8, 9]


def test_a_batch_goes_on_past_a_broken_delivery(offline_resident, monkeypatch):
    tell([offline_resident])
    delivery = sms_delivery()
    real_send = services.delivery_send

    def send(*, delivery_id):
        if delivery_id == -1:
            raise RuntimeError("a broken row")
        return real_send(delivery_id=delivery_id)

    monkeypatch.setattr(services, "delivery_send", send)
    tasks.deliver_batch([-1, 987654, delivery.pk])
    assert sms_delivery().status == DeliveryStatus.SENT


def _email_delivery():
    return Delivery.objects.get(channel=Channel.EMAIL)


def test_refused_email_address_fails_at_once(resident_user, settings):
    settings.EMAIL_BACKEND = "tests.notifications.email_backends.RefusingBackend"
    tell([resident_user])
    delivery_send(delivery_id=_email_delivery().pk)
    delivery = _email_delivery()
    assert delivery.status == DeliveryStatus.FAILED
    assert "recipient refused" in delivery.last_error


def test_mail_server_trouble_is_retried(resident_user, settings):
    settings.EMAIL_BACKEND = "tests.notifications.email_backends.DisconnectingBackend"
    tell([resident_user])
    delivery_send(delivery_id=_email_delivery().pk)
    delivery = _email_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at is not None
    assert "SMTPServerDisconnected" in delivery.last_error


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (20, 59, False),
        (21, 0, True),
        (23, 59, True),
        (0, 0, True),
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
    ],
)
def test_quiet_hours_boundaries(hour, minute, quiet):
    assert services.in_quiet_hours(at(hour, minute)) is quiet


def test_beat_tasks_call_their_services(resident_user, offline_resident, daytime):
    NotificationPreference.objects.create(user=resident_user, daily_digest=True)
    tell([resident_user, offline_resident])
    assert tasks.send_daily_digests() == 1
    daytime.shift(timedelta(minutes=11))
    # the offline resident's SMS and the digest's two deliveries look stuck
    assert tasks.sweep_deliveries() == 3


def test_sweep_stands_aside_while_a_long_queue_drains(
    offline_resident, daytime, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr("notifications.tasks.deliver.apply_async", lambda *a, **k: None)
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    settings.NOTIFICATIONS_SWEEP_MAX_BACKLOG = 3
    for i in range(4):
        (tmp_path / f"1700000000{i}_m{i}.celery.msg").write_text("{}")
    tell([offline_resident])
    daytime.shift(timedelta(minutes=11))

    assert deliveries_sweep() == 0  # 4 waiting > 3: its task may still be queued
    (tmp_path / "17000000000_m0.celery.msg").unlink()
    assert deliveries_sweep() == 1
