"""The queue-status command and the Celery configuration the issue asks for."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from config.celery import app
from tests.notifications.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


def run_command(**kwargs) -> str:
    out = StringIO()
    call_command("notifications_status", stdout=out, stderr=out, **kwargs)
    return out.getvalue()


def test_command_lists_failed_deliveries(community):
    DeliveryFactory(notification__community=community, address="13800009999")
    DeliveryFactory(status="sent", attempts=1)

    out = run_command()

    assert "failed: 1" in out
    assert "sent: 1" in out
    assert "Failed deliveries: 1" in out
    assert "13800009999" in out
    assert "community=tingtang" in out
    assert "isv.MOBILE_NUMBER_ILLEGAL" in out


def test_command_counts_files_of_the_filesystem_broker(settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    for i in range(3):
        (tmp_path / f"1700000000{i}_abc{i}.celery.msg").write_text("{}")
    (tmp_path / "17000000009_zzz.other.msg").write_text("{}")

    out = run_command()

    assert "Broker: filesystem" in out
    assert "queue celery: 3" in out
    assert "queue other: 1" in out


@pytest.mark.redis
def test_command_reads_redis_queue_lengths(settings):
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery")
    client.rpush("celery", "a", "b")
    try:
        out = run_command()
    finally:
        client.delete("celery")
        client.close()
    assert "Broker: redis" in out
    assert "queue celery: 2" in out
    assert "queue (unacked):" in out


def test_celery_is_configured_for_at_least_once_delivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"


def test_visibility_timeout_is_longer_than_any_eta():
    longest_quiet_wait = 24 * 60 * 60  # quiet hours can never defer past a day
    assert longest_quiet_wait <= django_settings.NOTIFICATIONS_MAX_ETA_SECONDS
    assert (
        django_settings.NOTIFICATIONS_MAX_ETA_SECONDS
        >= django_settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    )
    options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if django_settings.REDIS_URL:
        assert (
            options["visibility_timeout"]
            > django_settings.NOTIFICATIONS_MAX_ETA_SECONDS
        )


def test_beat_schedule_has_the_sweep_and_the_digest():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert (
        schedule["notifications-sweep"]["task"]
        == "notifications.tasks.sweep_deliveries"
    )
    assert schedule["notifications-sweep"]["schedule"] <= 60
    digest = schedule["notifications-daily-digest"]
    assert digest["task"] == "notifications.tasks.send_daily_digests"
    assert digest["schedule"].hour == {18}
    app.loader.import_default_modules()
    for entry in ("notifications-sweep", "notifications-daily-digest"):
        assert schedule[entry]["task"] in app.tasks
