"""A real Celery worker and beat on Redis close rounds on time.

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/8 \
        pytest tests/voting/test_worker_redis.py -s

The ETA task closes each round at its deadline; beat's sweep closes a round whose
ETA task was lost. The lag (closed_at - closes_at) of 20 rounds is printed. On
PostgreSQL: the worker writes while the test writes and reads, which SQLite's
shared in-memory test database refuses ("database table is locked").
"""

import statistics
import time
from datetime import timedelta

import pytest
from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.utils import timezone

from config.celery import app
from notifications.models import Notification
from tests.voting.factories import council_in_session, make_round
from voting.models import RoundStatus, VotingRound

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]
ROUNDS = 20


def _close_worker_connections(**kwargs):
    connections.close_all()


def _purge():
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)


@pytest.fixture
def worker():
    _purge()
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING"
        ) as running:
            yield running
    finally:
        task_postrun.disconnect(_close_worker_connections)


@pytest.fixture
def beat():
    """Beat in a thread, as `celery worker --beat` runs it; yields its schedule."""
    started = []

    def start(schedule=None):
        saved = app.conf.beat_schedule
        if schedule is not None:
            app.conf.beat_schedule = schedule
        # The schedule in memory: the file store (dbm.dumb here) once failed to
        # open in a thread and left beat dead, the test waiting on it for an hour.
        # Ticks at least every second, so that it stops within one.
        service = EmbeddedService(
            app, thread=True, scheduler_cls="celery.beat:Scheduler", max_interval=1
        )
        service.start()
        started.append((service, saved))
        return service

    yield start
    for service, saved in started:
        # Never wait on a beat that died before its loop (it would never say stopped).
        service.service.stop(wait=False)
        service.join(timeout=15)
        app.conf.beat_schedule = saved
        assert not service.is_alive(), "beat did not stop within 15 s"


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def short_votes(settings):
    """Votes may close 5 s after opening, so that a test need not wait a minute."""
    settings.VOTING_MIN_OPEN_SECONDS = 5


def test_worker_and_beat_close_20_rounds_within_2_seconds_of_the_deadline(
    short_votes, worker, beat, community, staff_user
):
    beat()  # the production schedule: the voting sweep every minute
    meeting, _seats = council_in_session(community, by=staff_user)
    first = timezone.now() + timedelta(seconds=20)  # set-up takes a few seconds
    rounds = [
        make_round(
            meeting,
            by=staff_user,
            question=f"第{n + 1}项表决",
            closes_at=first + timedelta(seconds=0.7 * n),
        )
        for n in range(ROUNDS)
    ]  # autocommit: each round's ETA tasks are queued as it opens
    assert timezone.now() < first, "setting up took longer than the lead time"
    pks = [r.pk for r in rounds]
    closed = VotingRound.objects.filter(pk__in=pks, status=RoundStatus.CLOSED)
    assert wait_until(lambda: closed.count() == ROUNDS, timeout=120), closed.count()
    lags = sorted(
        (r.closed_at - r.closes_at).total_seconds()
        for r in VotingRound.objects.filter(pk__in=pks)
    )
    p99 = lags[min(len(lags) - 1, round(0.99 * (len(lags) - 1)))]
    print(
        f"\nclose lag over {ROUNDS} rounds: min {lags[0]:.3f}s, "
        f"median {statistics.median(lags):.3f}s, p99 {p99:.3f}s, max {lags[-1]:.3f}s"
    )
    assert all(lag >= 0 for lag in lags)  # never before the deadline
    assert lags[-1] < 2.0, lags
    # Each round's electorate is told its result, once.
    assert wait_until(
        lambda: Notification.objects.filter(kind="voting_result").count() == ROUNDS * 6,
        timeout=120,
    )


def test_beat_sweep_closes_a_round_whose_eta_task_was_lost(
    short_votes, community, staff_user, beat
):
    meeting, _seats = council_in_session(community, by=staff_user)
    voting_round = make_round(
        meeting, by=staff_user, closes_at=timezone.now() + timedelta(seconds=8)
    )
    _purge()  # the broker lost the ETA task before any worker took it
    beat(
        {
            "voting-sweep-rounds": {
                "task": "voting.tasks.sweep_rounds",
                "schedule": 2.0,
            }
        }
    )
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING"
        ):
            assert wait_until(
                lambda: (
                    VotingRound.objects.get(pk=voting_round.pk).status
                    == RoundStatus.CLOSED
                ),
                timeout=150,
            )
    finally:
        task_postrun.disconnect(_close_worker_connections)
    voting_round.refresh_from_db()
    lag = (voting_round.closed_at - voting_round.closes_at).total_seconds()
    print(f"\nclosed by the sweep {lag:.3f}s after the deadline")
    assert 0 <= lag < 5
