"""A real Celery worker (Redis broker) closes a window at its deadline via the ETA task."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from tests.topics.factories import TopicFactory
from topics import services
from topics.models import CollectionWindow, TopicStatus

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_eta_task_closes_collection_at_the_deadline(community, staff_user):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        window = services.collection_window_open(
            community=community,
            title="马上截止的征集",
            opens_at=timezone.now() - timedelta(days=1),
            closes_at=timezone.now() + timedelta(seconds=3),
        )
        topic = TopicFactory(community=community, window=window)
        assert CollectionWindow.objects.get(pk=window.pk).closed_at is None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if CollectionWindow.objects.get(pk=window.pk).closed_at is not None:
                break
            time.sleep(0.5)
    window.refresh_from_db()
    assert window.closed_at is not None
    assert window.closed_at >= window.closes_at
    topic.refresh_from_db()
    assert topic.status == TopicStatus.IN_TRIAGE
    assert Notification.objects.filter(
        user=staff_user, kind="topics_review_open"
    ).exists()
