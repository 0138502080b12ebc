"""Concurrent writes on PostgreSQL: row locks keep one seat and one check-in."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from council import services
from council.models import Attendance, Seat
from tests.council.factories import in_progress, schedule, seat_council
from tests.factories import ResidentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what is tested
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_staff_filling_the_last_seat_one_wins(community, staff_user):
    council = community.council
    kind = council.seat_kinds.get(code="women")
    first = ResidentFactory(community=community)
    second = ResidentFactory(community=community)
    start = timezone.localdate() - timedelta(days=1)
    outcomes = run_together(
        *(
            lambda who=who: services.seat_assign(
                council=council,
                by=staff_user,
                kind=kind,
                resident=who,
                term_start=start,
            )
            for who in (first, second)
        )
    )
    assert sum(isinstance(o, Seat) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Seat.objects.filter(kind=kind).current().count() == 1


def test_double_scan_checks_in_once(community, staff_user):
    _council, seats = seat_council(community, by=staff_user)
    meeting = in_progress(schedule(community, by=staff_user), by=staff_user)
    resident = seats[0].resident
    outcomes = run_together(
        *(
            lambda status=status: services.attendance_check_in(
                meeting=meeting, by=staff_user, resident=resident, status=status
            )
            for status in ("in_person", "online", "in_person")
        )
    )
    assert all(isinstance(o, Attendance) for o in outcomes), outcomes
    assert Attendance.objects.filter(meeting=meeting, resident=resident).count() == 1
