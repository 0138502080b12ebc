"""Figures at city scale: the district view, a community dashboard, the nightly
snapshot and a 100,000-row export through a real worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reports \\
        .venv/bin/python bench/bench_reports.py --communities 1000 --residents 1000000

On a throwaway test database: `seed_demo --communities N --residents R`, then a
year of activity in every community (monthly meetings, topics, supports,
comments, check-ins, some recorded by staff, agenda notices read in the inbox or
delivered by SMS, agenda pages opened), bulk-inserted. Then, in this process with
Django's test client (no web server, so the ratio to the bare page is what
counts): p50/p95 and queries of a community dashboard, of the district view of a
district of 10 communities and of one of all the rest, and of a bare page (20
rows of one table through a template); the time of the nightly snapshot of every
community; and a residents export of --export-rows rows run by a Celery worker
(a separate process on kombu's filesystem transport) with the worker's peak
memory (VmHWM).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("YISHIHUI_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2026
BATCH = 20_000


def _bulk(model, rows):
    rows = list(rows)
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i : i + BATCH])
    return len(rows)


def year_of_activity(rng: random.Random) -> dict:
    """Twelve meetings per community and what residents did around them."""
    from council.models import Attendance, Meeting
    from notifications.models import Delivery, Notification
    from reports.models import PageOpen
    from residents.models import Community, Resident
    from topics.models import CollectionWindow, Comment, Endorsement, Topic

    counts = dict.fromkeys(
        ["meetings", "topics", "endorsements", "comments", "attendance", "notices"], 0
    )
    counts.update(sms=0, opens=0)
    for community in Community.objects.select_related("council").order_by("pk"):
        people = list(
            Resident.objects.filter(community=community).values_list("pk", flat=True)
        )
        if not people:
            continue
        windows, meetings, topics = [], [], []
        for month in range(1, 13):
            starts = datetime(YEAR, month, 20, 19, 0, tzinfo=SHANGHAI)
            windows.append(
                CollectionWindow(
                    community=community,
                    title=f"{month}月议题征集",
                    opens_at=starts - timedelta(days=19),
                    closes_at=starts - timedelta(days=7),
                    closed_at=starts - timedelta(days=7),
                )
            )
        CollectionWindow.objects.bulk_create(windows)
        for month, window in zip(range(1, 13), windows, strict=True):
            starts = datetime(YEAR, month, 20, 19, 0, tzinfo=SHANGHAI)
            meetings.append(
                Meeting(
                    council=community.council,
                    community=community,
                    title=f"{month}月议事会",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    status="concluded",
                    window=window,
                    agenda_published_at=starts - timedelta(days=2),
                )
            )
        Meeting.objects.bulk_create(meetings)
        for window in windows:
            for k in range(4):
                topics.append(
                    Topic(
                        community=community,
                        window=window,
                        submitter_id=rng.choice(people),
                        title=f"议题{k}",
                        description="说明",
                        category=rng.choice(["facilities", "elderly_care", "children"]),
                        status="decided",
                    )
                )
        Topic.objects.bulk_create(topics)
        endorsements, comments, attendance, notices, opens = [], [], [], [], []
        for topic in topics:
            for pk in rng.sample(people, min(10, len(people))):
                endorsements.append(Endorsement(topic=topic, resident_id=pk))
            for pk in rng.sample(people, min(2, len(people))):
                comments.append(Comment(topic=topic, author_resident_id=pk, body="好"))
        for meeting in meetings:
            for pk in rng.sample(people, min(20, len(people))):
                attendance.append(
                    Attendance(
                        meeting=meeting,
                        role="observer",
                        resident_id=pk,
                        status="in_person",
                        on_behalf=rng.random() < 0.2,
                        checked_in_at=meeting.starts_at,
                    )
                )
            told = rng.sample(people, max(1, len(people) // 20))
            key = f"meeting:{meeting.pk}:agenda_published"
            for pk in told:
                notices.append(
                    Notification(
                        community=community,
                        resident_id=pk,
                        kind="council_agenda_published",
                        subject="议程已公布",
                        body="议程已公布",
                        dedupe_key=f"{key}:r{pk}",
                        event_key=key,
                        read_at=meeting.starts_at if rng.random() < 0.5 else None,
                    )
                )
            for pk in told[: len(told) // 2]:
                opens.append(
                    PageOpen(
                        community=community,
                        resident_id=pk,
                        meeting=meeting,
                        page="agenda",
                        object_id=meeting.pk,
                        opened_at=meeting.starts_at - timedelta(days=1),
                    )
                )
        counts["meetings"] += len(meetings)
        counts["topics"] += len(topics)
        counts["endorsements"] += _bulk(Endorsement, endorsements)
        counts["comments"] += _bulk(Comment, comments)
        counts["attendance"] += _bulk(Attendance, attendance)
        created = Notification.objects.bulk_create(notices, batch_size=BATCH)
        counts["notices"] += len(created)
        counts["sms"] += _bulk(
            Delivery,
            (
                Delivery(
                    notification=n,
                    channel="sms",
                    address="13800000000",
                    status="sent",
                    sent_at=n.created_at,
                )
                for n in created
                if n.read_at is None
            ),
        )
        counts["opens"] += _bulk(PageOpen, opens)
    return counts


def timed(client, path, runs):
    times, queries = [], 0
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50": statistics.median(times), "p95": p95, "queries": queries}


def bare_page(client, runs):
    """A bare Django page, 20 rows of one table through a template, served by the
    same test client and middleware: the floor the report pages are compared to."""
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    import config.urls
    from residents.models import Community

    template = engines["django"].from_string(
        "<ul>{% for c in rows %}<li>{{ c.name }} {{ c.slug }}</li>{% endfor %}</ul>"
    )

    def bare(request):
        rows = list(Community.objects.order_by("pk")[:20])
        return HttpResponse(template.render({"rows": rows}))

    config.urls.urlpatterns.append(path("bench-bare/", bare))
    clear_url_caches()
    timed(client, "/bench-bare/", 2)
    return timed(client, "/bench-bare/", runs)


def export_through_worker(community, staff, rows: int) -> dict:
    """A residents export of `rows` rows, written by a real worker process."""
    from reports.models import Export
    from residents.models import Resident

    have = Resident.objects.filter(community=community).count()
    if have < rows:
        _bulk(
            Resident,
            (
                Resident(community=community, name=f"导出{i}", mobile=f"16{i:09d}")
                for i in range(rows - have)
            ),
        )
    export = Export.objects.create(
        community=community,
        created_by=staff,
        kind="residents",
        file_format="xlsx",
        language="zh-hans",
    )
    queue = Path(tempfile.mkdtemp())
    media = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media),
        "YISHIHUI_TESTING": "true",
    }
    script = (
        "import os, django, sys;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings');"
        "django.setup();"
        "from config.celery import app;"
        f"app.conf.broker_url='filesystem://';"
        f"app.conf.broker_transport_options={{'data_folder_in':'{queue}',"
        f"'data_folder_out':'{queue}','control_folder':'{queue}/c',"
        "'store_processed':False};"
        "app.worker_main(['worker','--pool','solo','-c','1','--loglevel','WARNING'])"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)
    try:
        from celery import Celery

        sender = Celery("bench", set_as_current=False)
        sender.conf.broker_url = "filesystem://"
        sender.conf.broker_transport_options = {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": f"{queue}/c",
            "store_processed": False,
        }
        started = time.perf_counter()
        sender.send_task("reports.tasks.run_export", args=[export.pk])
        peak = 0
        while time.perf_counter() - started < 1800:
            peak = max(peak, _vm_hwm(worker.pid))
            export.refresh_from_db()
            if export.status in ("done", "failed"):
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        peak = max(peak, _vm_hwm(worker.pid))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return {
        "status": export.status,
        "rows": export.rows_written,
        "seconds": elapsed,
        "worker_peak_mib": peak / 1024,
        "failure": export.failure[:200],
    }


def _vm_hwm(pid) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def main() -> int:
    from django.conf import settings
    from django.core.management import call_command

    from reports.services import snapshots_make
    from residents.models import Community, District, Membership, Role, User

    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--export-rows", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Run on PostgreSQL (DATABASE_URL=...).")
        return 2

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        call_command(
            "seed_demo",
            communities=args.communities,
            residents=args.residents,
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        print(f"seed_demo: {time.perf_counter() - started:.0f}s")
        started = time.perf_counter()
        counts = year_of_activity(random.Random(14))
        print(f"a year of activity: {time.perf_counter() - started:.0f}s {counts}")
        # Two districts: 10 communities, and all the rest.
        small = District.objects.create(name="小区", region_path="福建省/莆田市/小区")
        ten = list(Community.objects.order_by("pk").values_list("pk", flat=True)[1:11])
        Community.objects.filter(pk__in=ten).update(district=small)
        big = Community.objects.exclude(district=small).first().district
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        started = time.perf_counter()
        made = snapshots_make(month=date(YEAR, 12, 1))
        for month in range(1, 12):
            snapshots_make(month=date(YEAR, month, 1))
        print(
            f"snapshot of one month, {made} communities: "
            f"{(time.perf_counter() - started) / 12:.1f}s per month"
        )

        community = Community.objects.order_by("-population", "pk").first()
        residents_here = community.residents.count()
        staff = User.objects.create(username="bench-staff")
        Membership.objects.create(user=staff, community=community, role=Role.STAFF)
        officer = User.objects.create(username="bench-officer")
        Membership.objects.create(
            user=officer, district=big, role=Role.DISTRICT_OFFICER
        )
        Membership.objects.create(
            user=officer, district=small, role=Role.DISTRICT_OFFICER
        )
        client = Client()
        client.force_login(staff)
        pages = {
            f"dashboard ({residents_here} residents)": (
                client,
                f"/c/{community.slug}/reports/?month={YEAR}-11",
            )
        }
        officer_client = Client()
        officer_client.force_login(officer)
        pages["district of 10 communities"] = (
            officer_client,
            f"/d/{small.pk}/reports/?month={YEAR}-11",
        )
        pages[f"district of {Community.objects.filter(district=big).count()}"] = (
            officer_client,
            f"/d/{big.pk}/reports/?month={YEAR}-11",
        )
        bare = bare_page(client, args.runs)
        print(
            f"bare page: p50 {bare['p50'] * 1000:.1f} ms, "
            f"p95 {bare['p95'] * 1000:.1f} ms, {bare['queries']} queries"
        )
        for name, (page_client, path) in pages.items():
            timed(page_client, path, 2)  # warm
            result = timed(page_client, path, args.runs)
            print(
                f"{name}: p50 {result['p50'] * 1000:.0f} ms, "
                f"p95 {result['p95'] * 1000:.0f} ms, {result['queries']} queries, "
                f"p95 ratio to bare {result['p95'] / bare['p95']:.0f}x"
            )
        print("export:", export_through_worker(community, staff, args.export_rows))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
