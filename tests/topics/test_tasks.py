"""Closing collection at the deadline (ETA task and minute sweep) and reminders."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from notifications.models import Notification
from residents.models import Role
from tests.factories import MembershipFactory, ResidentFactory, UserFactory
from tests.topics.factories import CollectionWindowFactory, TopicFactory
from topics import services, tasks
from topics.models import DeadlineReminderOptIn, TopicEventKind, TopicStatus

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEADLINE = datetime(2026, 11, 22, 14, 30, tzinfo=SHANGHAI)


@pytest.fixture
def window(community):
    return CollectionWindowFactory(
        community=community,
        title="11月议事会议",
        opens_at=DEADLINE - timedelta(days=14),
        closes_at=DEADLINE,
    )


def test_opening_a_window_enqueues_the_close_at_its_deadline_on_commit(
    community, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(DEADLINE - timedelta(hours=2), tick=False),
        mock.patch.object(tasks.close_collection_window, "apply_async") as enqueue,
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            window = services.collection_window_open(
                community=community,
                title="11月议事会议",
                opens_at=DEADLINE - timedelta(days=14),
                closes_at=DEADLINE,
            )
        enqueue.assert_not_called()  # nothing before commit
        for callback in callbacks:
            callback()
    enqueue.assert_called_once_with(args=[window.pk], eta=DEADLINE)


def test_moving_the_deadline_enqueues_a_new_close(
    window, django_capture_on_commit_callbacks
):
    later = DEADLINE + timedelta(hours=12)
    with (
        time_machine.travel(DEADLINE - timedelta(hours=2), tick=False),
        mock.patch.object(tasks.close_collection_window, "apply_async") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.collection_window_move(
            window=window, opens_at=window.opens_at, closes_at=later
        )
    enqueue.assert_called_once_with(args=[window.pk], eta=later)


def test_a_deadline_days_away_waits_for_the_sweep_not_in_the_broker(
    community, django_capture_on_commit_callbacks
):
    """Redis would hand an ETA task older than its visibility timeout to a second
    worker: deadlines beyond the horizon are closed by the minute sweep instead."""
    with (
        time_machine.travel(DEADLINE - timedelta(days=7), tick=False),
        mock.patch.object(tasks.close_collection_window, "apply_async") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        window = services.collection_window_open(
            community=community,
            title="12月议事会议",
            opens_at=DEADLINE - timedelta(days=8),
            closes_at=DEADLINE,
        )
    enqueue.assert_not_called()
    with time_machine.travel(DEADLINE + timedelta(seconds=30), tick=False):
        services.collection_windows_sweep()
    window.refresh_from_db()
    assert window.closed_at is not None


def test_close_one_second_before_the_deadline_does_nothing(window):
    TopicFactory(community=window.community, window=window)
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        assert tasks.close_collection_window(window.pk) is False
    window.refresh_from_db()
    assert window.closed_at is None
    assert not Notification.objects.exists()


def test_close_one_second_after_starts_review_and_tells_staff_once(
    window, staff_user, social_worker, resident_user
):
    topic = TopicFactory(community=window.community, window=window)
    withdrawn = TopicFactory(
        community=window.community, window=window, status=TopicStatus.WITHDRAWN
    )
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        assert tasks.close_collection_window(window.pk) is True
        assert tasks.close_collection_window(window.pk) is False  # idempotent
        assert services.collection_windows_sweep() == {"closed": 0, "reminded": 0}
    window.refresh_from_db()
    assert window.closed_at == DEADLINE + timedelta(seconds=1)
    topic.refresh_from_db()
    withdrawn.refresh_from_db()
    assert topic.status == TopicStatus.IN_TRIAGE
    assert topic.events.filter(kind=TopicEventKind.REVIEW_STARTED).count() == 1
    assert withdrawn.status == TopicStatus.WITHDRAWN
    notified = set(
        Notification.objects.filter(kind="topics_review_open").values_list(
            "user", flat=True
        )
    )
    assert notified == {staff_user.pk, social_worker.pk}
    assert "1" in Notification.objects.filter(kind="topics_review_open").first().body


def test_sweep_closes_a_window_whose_eta_task_was_lost(window, other_community):
    other = CollectionWindowFactory(
        community=other_community,
        opens_at=DEADLINE - timedelta(days=14),
        closes_at=DEADLINE + timedelta(hours=1),
    )
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        result = tasks.sweep_collection_windows()
    assert result["closed"] == 1
    window.refresh_from_db()
    other.refresh_from_db()
    assert window.closed_at is not None
    assert other.closed_at is None


def test_close_task_for_a_window_moved_later_does_nothing(window):
    services.collection_window_move(
        window=window, opens_at=window.opens_at, closes_at=DEADLINE + timedelta(days=2)
    )
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        assert tasks.close_collection_window(window.pk) is False


def test_close_task_for_a_deleted_window_does_nothing():
    assert tasks.close_collection_window(999999) is False


def test_reminder_two_days_before_goes_to_opted_in_residents_once(
    window, resident, offline_resident, other_community
):
    services.deadline_reminder_set(resident=resident, enabled=True)
    services.deadline_reminder_set(resident=offline_resident, enabled=True)
    ResidentFactory(community=window.community)  # did not opt in
    outsider = ResidentFactory(community=other_community)
    DeadlineReminderOptIn.objects.create(resident=outsider)
    with time_machine.travel(DEADLINE - timedelta(days=2, seconds=1), tick=False):
        assert services.collection_windows_sweep()["reminded"] == 0
    with time_machine.travel(
        DEADLINE - timedelta(days=2) + timedelta(seconds=1), tick=False
    ):
        assert services.collection_windows_sweep()["reminded"] == 1
        assert services.collection_windows_sweep()["reminded"] == 0
    reminders = Notification.objects.filter(kind="topics_deadline_reminder")
    assert {n.resident_id for n in reminders} == {resident.pk, offline_resident.pk}
    assert "2026年11月22日" in reminders.first().body


def test_turning_reminders_off(resident):
    services.deadline_reminder_set(resident=resident, enabled=True)
    services.deadline_reminder_set(resident=resident, enabled=False)
    assert not DeadlineReminderOptIn.objects.exists()


def test_beat_sweeps_every_minute():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "topics.tasks.sweep_collection_windows"
    )
    assert entry["schedule"] == 60


def test_staff_of_other_community_is_not_told(window, other_staff_user):
    other_member = UserFactory()
    MembershipFactory(user=other_member, community=window.community, role=Role.RESIDENT)
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        services.collection_window_close(window=window)
    assert not Notification.objects.filter(user=other_staff_user).exists()
    assert not Notification.objects.filter(user=other_member).exists()
