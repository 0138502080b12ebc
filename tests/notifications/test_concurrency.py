"""notify() called at the same moment with the same key (PostgreSQL, real threads)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from notifications.models import Delivery, Notification
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KEY = "meeting:9:agenda_published"


@pytest.fixture
def queued(monkeypatch):
    """Delivery ids handed to the broker, in order, from every thread."""
    ids, lock = [], threading.Lock()

    def record(args, **kwargs):
        with lock:
            ids.extend(args[0] if isinstance(args[0], list) else [args[0]])

    monkeypatch.setattr("notifications.tasks.deliver.apply_async", record)
    monkeypatch.setattr("notifications.tasks.deliver_batch.apply_async", record)
    return ids


def _at_once(calls):
    """Run each call in its own thread, all starting together; return their results.

    Each call runs in a transaction that stays open a moment after notify(), as a
    caller's does while it finishes its own writes, so every call checks the key
    before any of them commits.
    """
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results[index] = call()
                time.sleep(0.3)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def _tell(recipients):
    return lambda: notify(
        recipients=recipients,
        kind="test_event",
        context={"title": "议程已公布"},
        dedupe_key=KEY,
        link="/c/tingtang/",
    )


def test_simultaneous_calls_each_return_and_queue_only_what_they_created(queued):
    assert connection.vendor == "postgresql"
    users = [UserFactory() for _ in range(3)]

    results = _at_once([_tell(users) for _ in range(4)])

    assert Notification.objects.count() == 3
    returned = [n.pk for result in results for n in result]
    assert sorted(returned) == sorted(Notification.objects.values_list("pk", flat=True))
    assert sorted(len(result) for result in results) == [0, 0, 0, 3]
    deliveries = sorted(Delivery.objects.values_list("pk", flat=True))
    assert len(deliveries) == 6  # email and SMS for each of the three
    assert sorted(queued) == deliveries


def test_overlapping_recipients_are_told_once_by_whichever_call_came_first(queued):
    first, both, last = UserFactory(), UserFactory(), UserFactory()

    results = _at_once([_tell([first, both]), _tell([both, last])])

    assert Notification.objects.count() == 3
    told = [sorted(n.user_id for n in result) for result in results]
    assert sorted(user for users in told for user in users) == sorted(
        [first.pk, both.pk, last.pk]
    )
    assert sorted(queued) == sorted(Delivery.objects.values_list("pk", flat=True))
