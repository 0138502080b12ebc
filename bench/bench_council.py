"""Time the council's pages and quorum as seats, invitations and attendees grow.

    .venv/bin/python bench/bench_council.py                 # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_council \
        .venv/bin/python bench/bench_council.py             # PostgreSQL

On a throwaway test database, for N = 10, 200 and 1000 (seats, alternates,
stakeholder invitations and attendance rows each), measures the queries and the
median time of: the council page, the meeting page, the check-in list, one htmx
check-in, the quorum computation, and the agenda-published notification to
everyone invited. Exits non-zero when the query count grows with N or a page
misses its time target.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("YISHIHUI_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10,200,1000").split(",")]
RUNS = 5
PAGE_TARGET = 1.0  # seconds, median, at the largest size


def populate(community, staff, n):
    from django.utils import timezone

    from council import services
    from council.models import (
        AgendaItem,
        Attendance,
        AttendanceRole,
        Invitation,
        Seat,
        SeatKind,
    )
    from residents.models import Resident

    council = community.council
    SeatKind.objects.filter(council=council).update(seat_count=n)
    kinds = list(council.seat_kinds.all())
    people = Resident.objects.bulk_create(
        Resident(community=community, name=f"居民{i}", mobile=f"15{i:09d}")
        for i in range(3 * n)
    )
    start = timezone.localdate() - timedelta(days=10)
    seats = Seat.objects.bulk_create(
        Seat(
            council=council,
            kind=kinds[i % 6],
            resident=people[i],
            alternate=people[n + i],
            term_start=start,
        )
        for i in range(n)
    )
    now = timezone.now() + timedelta(days=10)
    meeting = services.meeting_schedule(
        community=community,
        by=staff,
        title="基准会议",
        starts_at=now,
        ends_at=now + timedelta(hours=2),
        place="村委会",
    )
    for k in range(5):
        services.agenda_item_create(meeting=meeting, by=staff, title=f"事项{k}")
    items = list(AgendaItem.objects.filter(meeting=meeting))
    Invitation.objects.bulk_create(
        Invitation(
            agenda_item=items[i % 5],
            meeting=meeting,
            resident=people[2 * n + i],
            reason="受影响",
        )
        for i in range(n)
    )
    started = time.perf_counter()
    services.agenda_publish(meeting=meeting, by=staff, confirm=True)
    publish_time = time.perf_counter() - started
    services.meeting_start(meeting=meeting, by=staff, confirm=True)
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            resident=seat.resident,
            seat=seat,
            role=AttendanceRole.REPRESENTATIVE,
            status="in_person",
        )
        for seat in seats[: (2 * n) // 3 + 1]
    )
    return meeting, seats, publish_time


def measure(client, method, path, data=None, **extra):
    times, queries = [], 0
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = getattr(client, method)(path, data or {}, **extra)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
    return queries, statistics.median(times)


def main() -> int:
    from django.urls import reverse

    from council.quorum import meeting_quorum
    from residents.models import District, Membership, Role, User
    from residents.services import community_create

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = []
    try:
        district = District.objects.create(name="秀屿区", region_path="福建省")
        rows = []
        query_counts = {}
        for n in SIZES:
            community = community_create(
                district=district, name=f"社区{n}", slug=f"c{n}", region_path="x"
            )
            staff = User.objects.create_user(username=f"staff{n}", password="x")
            Membership.objects.create(user=staff, community=community, role=Role.STAFF)
            meeting, seats, publish_time = populate(community, staff, n)
            client = Client()
            client.force_login(staff)
            slug = community.slug
            pages = {
                "council page": ("get", reverse("council:council", args=[slug])),
                "meeting page": (
                    "get",
                    reverse("council:meeting", args=[slug, meeting.pk]),
                ),
                "check-in list": (
                    "get",
                    reverse("council:attendance", args=[slug, meeting.pk]),
                ),
            }
            for label, (method, path) in pages.items():
                queries, median = measure(client, method, path)
                rows.append((n, label, queries, median))
                query_counts.setdefault(label, set()).add(queries)
                if n == SIZES[-1] and median > PAGE_TARGET:
                    failures.append(f"{label} at {n}: {median:.3f}s > {PAGE_TARGET}s")
            queries, median = measure(
                client,
                "post",
                reverse("council:attendance_mark", args=[slug, meeting.pk]),
                {"resident": seats[-1].alternate_id, "status": "online"},
                HTTP_HX_REQUEST="true",
            )
            rows.append((n, "htmx check-in", queries, median))
            times = []
            for _run in range(RUNS):
                started = time.perf_counter()
                report = meeting_quorum(meeting)
                times.append(time.perf_counter() - started)
            assert report.met
            rows.append((n, "quorum", 2, statistics.median(times)))
            rows.append((n, f"agenda published ({2 * n} notified)", None, publish_time))
        print(f"{'N':>6}  {'what':<38} {'queries':>7}  {'seconds':>8}")
        for n, label, queries, seconds in rows:
            print(
                f"{n:>6}  {label:<38} {queries if queries is not None else '-':>7}  {seconds:>8.3f}"
            )
        for label, counts in query_counts.items():
            if len(counts) > 1:
                failures.append(f"{label}: query count varies with N: {sorted(counts)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
