"""Outcome pages at 10 and 10,000 outcomes and updates; the PDF of 30 agenda items.

    .venv/bin/python bench/bench_outcomes.py                            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_outcomes \\
        .venv/bin/python bench/bench_outcomes.py                        # PostgreSQL
    BENCH_SIZES=10,10000 BENCH_REQUESTS=100 BENCH_PDF_RUNS=3 ...

On a throwaway test database: for each size N, a community with N outcomes (on N
agenda items), one of which has N progress updates (each with a photo row), N
pledges and N ratings. Requests, logged out and as a resident, the public outcomes
list (all, and filtered by state) and that outcome's page BENCH_REQUESTS times
each, beside a bare Django page (an HttpResponse through the same middleware) in
the same run. Prints p50/p95 per page, the p95 ratio to the bare page and the
query count, which must be the same at every size (exit 1 otherwise). Then builds
the minutes of a meeting with 30 agenda items (seats, attendance, votes, outcomes,
action items) and times the content and the A4 PDF (WeasyPrint, Chinese fonts).
"""

import os
import statistics
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("YISHIHUI_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10,10000").split(",")]
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
PDF_RUNS = max(1, int(os.environ.get("BENCH_PDF_RUNS", "3")))
PDF_ITEMS = 30


def bare(request):
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>")


bench_urls = types.ModuleType("bench_outcomes_urls")
bench_urls.urlpatterns = [path("bare/", bare), path("", include("config.urls"))]
sys.modules["bench_outcomes_urls"] = bench_urls


def seed_community(slug: str, n: int):
    from datetime import timedelta

    from django.utils import timezone

    from council.models import AgendaItem, Council, Meeting, MeetingStatus
    from outcomes.models import (
        ActionItem,
        ActionStatus,
        ActionUpdate,
        ActionUpdatePhoto,
        Outcome,
        OutcomeStatus,
        Pledge,
        PledgeNeed,
        SatisfactionRating,
    )
    from residents.models import (
        Community,
        District,
        Membership,
        Organization,
        Resident,
        Role,
        User,
    )

    district, _ = District.objects.get_or_create(
        name="秀屿区", defaults={"region_path": "福建省/莆田市/秀屿区"}
    )
    community = Community.objects.create(
        district=district, name=f"汀塘社区{slug}", slug=slug, region_path="福建省"
    )
    user = User.objects.create_user(
        username=f"bench-{slug}", password="x", mobile=f"139{len(slug):02d}{n:06d}"[:11]
    )
    Membership.objects.create(user=user, community=community, role=Role.RESIDENT)
    me = Resident.objects.create(community=community, user=user, name="王阿姨")
    library = Organization.objects.create(
        community=community, kind="social_resource", name="爱心书屋"
    )
    council = Council.objects.create(community=community)
    now = timezone.now()
    meeting = Meeting.objects.create(
        council=council,
        community=community,
        title="十月居民议事会",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30) + timedelta(hours=2),
        status=MeetingStatus.CONCLUDED,
    )
    items = AgendaItem.objects.bulk_create(
        (
            AgendaItem(
                meeting=meeting, position=i + 1, title=f"事项{i + 1}：儿童活动中心"
            )
            for i in range(n)
        ),
        batch_size=2000,
    )
    statuses = [
        OutcomeStatus.DECIDED,
        OutcomeStatus.IN_PROGRESS,
        OutcomeStatus.IMPLEMENTED,
    ]
    Outcome.objects.bulk_create(
        (
            Outcome(
                community=community,
                meeting=meeting,
                agenda_item=item,
                decision="同意把老村部四楼改建为儿童活动中心，图书由村民众筹。",
                status=statuses[i % 3],
                action_total=2,
                action_done=i % 3,
                responsible_organization=library,
            )
            for i, item in enumerate(items)
        ),
        batch_size=2000,
    )
    outcome = Outcome.objects.filter(community=community).order_by("pk").first()
    action = ActionItem.objects.create(
        outcome=outcome,
        community=community,
        description="安装书架",
        due_on=timezone.localdate(),
        owner_organization=library,
        status=ActionStatus.IN_PROGRESS,
        update_count=n,
    )
    updates = ActionUpdate.objects.bulk_create(
        (
            ActionUpdate(action_item=action, text=f"进展{i}：书架已到货")
            for i in range(n)
        ),
        batch_size=2000,
    )
    ActionUpdatePhoto.objects.bulk_create(
        (
            ActionUpdatePhoto(update=u, image="outcomes/x.jpg", width=800, height=600)
            for u in updates
        ),
        batch_size=2000,
    )
    need = PledgeNeed.objects.create(
        outcome=outcome,
        community=community,
        description="儿童图书",
        unit="本",
        quantity=10 * n,
        pledged_total=n,
        pledge_count=n,
    )
    Pledge.objects.bulk_create(
        (
            Pledge(need=need, community=community, organization=library, quantity=1)
            for _ in range(n)
        ),
        batch_size=2000,
    )
    raters = Resident.objects.bulk_create(
        (Resident(community=community, name=f"居民{i}") for i in range(n)),
        batch_size=2000,
    )
    SatisfactionRating.objects.bulk_create(
        (
            SatisfactionRating(
                outcome=outcome, resident=r, score=1 + i % 5, comment="好"
            )
            for i, r in enumerate(raters)
        ),
        batch_size=2000,
    )
    Outcome.objects.filter(pk=outcome.pk).update(rating_count=n, rating_total=3 * n)
    return community, outcome, user, me


def measure(client, url, params=None) -> tuple[list[float], int]:
    client.get(url, params or {})  # warm up
    executed = []

    def count(execute, sql, params_, many, context):
        executed.append(sql)
        return execute(sql, params_, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(N_REQUESTS):
        started = time.perf_counter()
        response = client.get(url, params or {})
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(executed)


def p95(values):
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def pdf_meeting():
    """A concluded meeting with 30 items: seats, attendance, a vote and an outcome each."""
    from datetime import timedelta

    from django.utils import timezone

    from council import services as council_services
    from council.models import Attendance, AttendanceRole, AttendanceStatus, Meeting
    from outcomes import services
    from residents.models import Community, Organization, Resident, User

    community = Community.objects.get(slug=f"s{SIZES[0]}")
    council = council_services.council_create(community=community)
    people = Resident.objects.bulk_create(
        Resident(community=community, name=f"代表{i}") for i in range(20)
    )
    start = timezone.localdate() - timedelta(days=400)
    seats = []
    pick = iter(people)
    for kind in council.seat_kinds.order_by("position"):
        seats.append(
            council_services.seat_assign(
                council=council,
                by=None,
                kind=kind,
                resident=next(pick),
                alternate=next(pick),
                organization=Organization.objects.filter(community=community).first()
                if kind.represents_organization
                else None,
                term_start=start,
            )
        )
    staff = User.objects.create_user(username="bench-staff", password="x")
    now = timezone.now()
    meeting = Meeting.objects.create(
        council=council,
        community=community,
        title="三十项议程的会议",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=3),
        place="汀塘村委会",
        room="三楼会议室",
        status="concluded",
    )
    for n, seat in enumerate(seats):
        Attendance.objects.create(
            meeting=meeting,
            resident=seat.resident if n else seat.alternate,
            seat=seat,
            role=AttendanceRole.REPRESENTATIVE if n else AttendanceRole.ALTERNATE,
            status=AttendanceStatus.IN_PERSON,
            checked_in_by=staff,
            on_behalf=True,
        )
    from council.models import AgendaItem
    from outcomes.models import ActionItem, Outcome

    library = Organization.objects.filter(community=community).first()
    for i in range(PDF_ITEMS):
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=i + 1,
            title=f"第{i + 1}项：公共设施维修与儿童活动中心运营",
            description="社工介绍会前协商情况，代表讨论后表决。" * 2,
        )
        outcome = Outcome.objects.create(
            community=community,
            meeting=meeting,
            agenda_item=item,
            decision="同意实施，由社会组织负责，社工跟进，一个月内完成。" * 2,
            dissent="一位代表担心经费不足。",
            responsible_organization=library,
        )
        for k in range(3):
            ActionItem.objects.create(
                outcome=outcome,
                community=community,
                description=f"落实事项{k + 1}",
                due_on=timezone.localdate() + timedelta(days=7 * (k + 1)),
                owner_organization=library,
            )
    minutes = services.minutes_for_meeting(meeting=meeting)
    return meeting, minutes


def main() -> int:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failed = False
    try:
        with override_settings(ROOT_URLCONF="bench_outcomes_urls", ALLOWED_HOSTS=["*"]):
            results = {}
            for n in SIZES:
                started = time.perf_counter()
                community, outcome, user, _me = seed_community(f"s{n}", n)
                print(
                    f"{connection.vendor}: size {n:,}: seeded in "
                    f"{time.perf_counter() - started:.1f}s"
                )
                anonymous = Client()
                resident = Client()
                resident.force_login(user)
                base = f"/c/{community.slug}/outcomes/"
                pages = {
                    "bare page": (anonymous, "/bare/", None),
                    "public list": (anonymous, base, None),
                    "list ?status": (anonymous, base, {"status": "in_progress"}),
                    "outcome (public)": (anonymous, outcome.get_absolute_url(), None),
                    "outcome (resident)": (resident, outcome.get_absolute_url(), None),
                }
                print(
                    f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'× bare':>7} {'queries':>8}"
                )
                bare_p95 = None
                for name, (client, url, params) in pages.items():
                    timings, queries = measure(client, url, params)
                    value = p95(timings)
                    bare_p95 = bare_p95 or value
                    print(
                        f"{name:<20} {statistics.median(timings):>8.1f} {value:>8.1f} "
                        f"{value / bare_p95:>7.1f} {queries:>8}"
                    )
                    results.setdefault(name, []).append(queries)
            for name, counts in results.items():
                if len(set(counts)) != 1:
                    failed = True
                    print(f"FAILED: {name} ran {counts} queries at sizes {SIZES}")
            if not failed:
                print(f"query counts equal at sizes {SIZES}")

            from outcomes import services

            meeting, minutes = pdf_meeting()
            started = time.perf_counter()
            content = services.minutes_content(meeting=meeting, notes={})
            built = time.perf_counter() - started
            from outcomes.models import MinutesVersion
            from outcomes.pdf import render_minutes_pdf

            version = MinutesVersion(
                minutes=minutes,
                number=1,
                content=content,
                content_hash=services.content_hash(content),
            )
            runs = []
            size = 0
            for _ in range(PDF_RUNS):
                started = time.perf_counter()
                size = len(render_minutes_pdf(version=version))
                runs.append(time.perf_counter() - started)
            print(
                f"minutes of {PDF_ITEMS} agenda items: content {built * 1000:.0f} ms; "
                f"PDF {min(runs):.2f}s best, {statistics.median(runs):.2f}s median of "
                f"{PDF_RUNS} ({size / 1024:.0f} KiB)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
