"""Every key page beside a bare Django page, served the same way, in one run.

    .venv/bin/python bench/pages.py --size demo            # seed, then measure
    .venv/bin/python bench/pages.py --size large --rounds 3
    .venv/bin/python bench/pages.py --size city --skip-seed # measure what is there

Needs PostgreSQL and Redis (the production stack) and `ab` (Debian apache2-utils).
It (re)creates the database `--db` (default bench_pages) unless --skip-seed, seeds
the size, fills the bare page's table, starts gunicorn twice (the app and
bench/bare, both with --workers 2 sync, DEBUG off, on the same database), then runs
`ab` on each page and on the bare page interleaved (app, bare, app, bare …) for
--rounds rounds, and prints per page: requests per second, p50, p95, queries,
HTML size, and the ratios to the bare page (median over the rounds).

Sizes (added to the demo data, in 汀塘社区):
    demo   the demo as `make run` loads it
    large  100,000 residents, 10,000 topics, 1,000 seats, invitations and attendees
    city   1,000,000 residents, 10,000 topics, 1,000 seats, invitations and attendees
The bare table holds --bare-rows rows (10,000 by default; 1,000,000 for the city).
The voting, outcome and figures pages are in PAGES too.
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
SIZES = {
    "demo": {"residents": None, "topics": 0, "seats": 0},
    "large": {"residents": 100_000, "topics": 10_000, "seats": 1_000},
    "city": {"residents": 1_000_000, "topics": 10_000, "seats": 1_000},
}
# (name, role, how to build the path from the seeded data)
PAGES = [
    ("community home", "resident", lambda d: f"/c/{d['slug']}/"),
    ("community home (staff)", "staff", lambda d: f"/c/{d['slug']}/"),
    ("topic list, newest", "resident", lambda d: f"/c/{d['slug']}/topics/"),
    (
        "topic list, most endorsed",
        "resident",
        lambda d: f"/c/{d['slug']}/topics/?sort=endorsed",
    ),
    (
        "topic list, search 路灯",
        "resident",
        lambda d: f"/c/{d['slug']}/topics/?q=%E8%B7%AF%E7%81%AF",
    ),
    ("topic page, 50 comments", "resident", lambda d: d["topic_url"]),
    ("meeting page", "resident", lambda d: d["meeting_url"]),
    ("council page", "resident", lambda d: f"/c/{d['slug']}/council/"),
    ("check-in list", "staff", lambda d: d["meeting_url"] + "attendance/"),
    ("residents list", "staff", lambda d: f"/c/{d['slug']}/residents/"),
    ("inbox", "resident", lambda d: "/inbox/"),
    ("votes list", "resident", lambda d: f"/c/{d['slug']}/votes/"),
    ("open round, cast page", "resident", lambda d: d["open_round_url"]),
    ("round result", "resident", lambda d: d["closed_round_url"] + "result/"),
    ("outcomes list", "resident", lambda d: f"/c/{d['slug']}/outcomes/"),
    ("outcome page", "resident", lambda d: d["outcome_url"]),
    ("figures dashboard", "staff", lambda d: f"/c/{d['slug']}/reports/"),
    ("district figures", "officer", lambda d: f"/d/{d['district']}/reports/"),
]


def env_for(db: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db}",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        # One connection per worker, kept, as production runs (settings.py).
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "60"),
        DEBUG="false",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(cmd, env, **kwargs):
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def seed(size: str, db: str, bare_rows: int) -> None:
    env = env_for(db)
    run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], env)
    run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], env)
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    spec = SIZES[size]
    command = [PY, "manage.py", "seed_demo"]
    if spec["residents"]:
        command += ["--residents", str(spec["residents"])]
    run(command, env)
    run([PY, __file__, "--internal-seed", size, "--db", db], env)
    run(
        [PY, __file__, "--internal-bare", str(bare_rows), "--db", db],
        env,
    )


def _django(db: str):
    os.environ.update(env_for(db))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def internal_seed(size: str, db: str) -> None:
    """Add the size's topics, seats, invitations, attendees and one long thread."""
    _django(db)
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from council.models import (
        Attendance,
        AttendanceRole,
        Council,
        Invitation,
        Meeting,
        Seat,
        SeatKind,
    )
    from residents.models import Community, Resident
    from topics.models import CollectionWindow, Comment, Topic, TopicStatus

    spec = SIZES[size]
    community = Community.objects.get(slug="tingtang")
    topic = Topic.objects.filter(community=community).order_by("-pk").first()
    residents = list(
        Resident.objects.filter(community=community).order_by("pk")[
            : max(3 * spec["seats"], 200)
        ]
    )
    with transaction.atomic():
        # A topic page with 50 comments, at every size.
        have = Comment.objects.filter(topic=topic).count()
        Comment.objects.bulk_create(
            Comment(
                topic=topic,
                author_resident=residents[i % len(residents)],
                body=f"第{i}条意见：路灯坏了很久，晚上出门不方便，希望尽快修好。",
            )
            for i in range(max(0, 50 - have))
        )
        Topic.objects.filter(pk=topic.pk).update(comment_count=50)
        if not spec["topics"]:
            return
        window = CollectionWindow.objects.filter(community=community).latest(
            "closes_at"
        )
        statuses = [TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.DECIDED]
        words = ["路灯", "停车", "养老", "垃圾分类", "儿童", "电梯"]
        Topic.objects.bulk_create(
            (
                Topic(
                    community=community,
                    window=window,
                    submitter=residents[i % len(residents)],
                    title=f"议题{i}：{words[i % len(words)]}的问题",
                    description="晚上太黑，老人出门容易摔倒。希望尽快解决。" * 3,
                    category=topic.category,
                    status=statuses[i % len(statuses)],
                    endorsement_count=(i * 7919) % 97,
                    comment_count=(i * 104729) % 13,
                )
                for i in range(spec["topics"])
            ),
            batch_size=2000,
        )
        council = Council.objects.get(community=community)
        n = spec["seats"]
        SeatKind.objects.filter(council=council).update(seat_count=n)
        kinds = list(council.seat_kinds.all())
        start = timezone.localdate() - timedelta(days=30)
        Seat.objects.filter(council=council).delete()
        seats = Seat.objects.bulk_create(
            Seat(
                council=council,
                kind=kinds[i % len(kinds)],
                resident=residents[i],
                alternate=residents[n + i],
                term_start=start,
            )
            for i in range(n)
        )
        meeting = (
            Meeting.objects.filter(community=community, starts_at__gte=timezone.now())
            .order_by("starts_at")
            .first()
        ) or Meeting.objects.filter(community=community).latest("starts_at")
        item = meeting.agenda_items.order_by("position").first()
        Invitation.objects.bulk_create(
            Invitation(
                agenda_item=item,
                meeting=meeting,
                resident=residents[2 * n + i],
                reason="受影响",
            )
            for i in range(n)
        )
        Attendance.objects.bulk_create(
            Attendance(
                meeting=meeting,
                resident=seat.resident,
                seat=seat,
                role=AttendanceRole.REPRESENTATIVE,
                status="in_person",
            )
            for seat in seats
        )


def internal_bare(rows: int, db: str) -> None:
    _django(db)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_row")
        cursor.execute(
            "CREATE TABLE bench_bare_row (id bigserial PRIMARY KEY, "
            "title varchar(200) NOT NULL, created_at timestamptz NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO bench_bare_row (title, created_at) "
            "SELECT '第' || g || '行：三号楼门口路灯坏了', now() - g * interval '1 minute' "
            "FROM generate_series(1, %s) AS g",
            [rows],
        )
        # Every table, not the bare one alone: the seeded rows came by bulk
        # inserts, and a server without autovacuum (this one) would plan the
        # pages' queries with no statistics (the check-in list of 1,000 seats read
        # in 1 s instead of 50 ms); production's autovacuum keeps them.
        cursor.execute("ANALYZE")


def prepare(db: str) -> dict:
    """Paths, a browser's cookies per role (its session and CSRF secret), and each
    page's queries and HTML size."""
    _django(db)
    from django.conf import settings
    from django.db import connection
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils.crypto import get_random_string

    from council.models import Meeting
    from outcomes.models import Outcome
    from residents.models import Community, User
    from topics.models import Topic
    from voting.models import RoundStatus, VotingRound

    data = {"slug": "tingtang"}
    topic = Topic.objects.filter(community__slug="tingtang", comment_count=50).first()
    data["topic_url"] = f"/c/tingtang/topics/{topic.pk}/"
    meeting = (
        Meeting.objects.filter(community__slug="tingtang")
        .exclude(attendances=None)
        .order_by("-starts_at")
        .first()
    ) or Meeting.objects.filter(community__slug="tingtang").latest("starts_at")
    data["meeting_url"] = f"/c/tingtang/council/meetings/{meeting.pk}/"
    rounds = VotingRound.objects.filter(community__slug="tingtang")
    data["open_round_url"] = (
        f"/c/tingtang/votes/{rounds.get(status=RoundStatus.OPEN).pk}/"
    )
    closed = rounds.filter(status=RoundStatus.CLOSED).latest("closes_at")
    data["closed_round_url"] = f"/c/tingtang/votes/{closed.pk}/"
    outcome = Outcome.objects.filter(community__slug="tingtang").latest("pk")
    data["outcome_url"] = f"/c/tingtang/outcomes/{outcome.pk}/"
    data["district"] = Community.objects.get(slug="tingtang").district_id
    cookies, measured = {}, {}
    logins = (
        ("resident", "tt-resident"),
        ("staff", "tt-staff"),
        ("officer", "xiuyu-officer"),
    )
    for role, username in logins:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=username))
        # A browser that has opened a page holds its CSRF cookie too: without
        # it every request would make a new secret and set the cookie again.
        cookies[role] = (
            f"sessionid={client.cookies['sessionid'].value}; "
            f"{settings.CSRF_COOKIE_NAME}={get_random_string(32, CSRF_ALLOWED_CHARS)}"
        )
    for name, role, path_for in PAGES:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_COOKIE=cookies[role])
        path = path_for(data)
        # Warm the caches as a running site has them: a search is kept from
        # the third time it is asked (topics.views.KEEP_SEARCH_FROM).
        for _ in range(3):
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        measured[name] = (path, len(captured), len(response.content))
    with connection.cursor() as cursor:  # what the bare page reads from
        cursor.execute("SELECT COUNT(*) FROM bench_bare_row")
        bare_rows = cursor.fetchone()[0]
    return {"cookies": cookies, "measured": measured, "bare_rows": bare_rows}


def start_gunicorn(module: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            module,
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except urllib.error.HTTPError:
            return process  # it answers: up
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn {module} did not start on {port}")


AB_FIELDS = {
    "rps": re.compile(r"Requests per second:\s+([\d.]+)"),
    "p50": re.compile(r"^\s+50%\s+(\d+)", re.M),
    "p95": re.compile(r"^\s+95%\s+(\d+)", re.M),
    "failed": re.compile(r"Failed requests:\s+(\d+)"),
    "non2xx": re.compile(r"Non-2xx responses:\s+(\d+)"),
}


def ab(url: str, *, requests: int, concurrency: int, cookie: str | None) -> dict:
    command = ["ab", "-q", "-n", str(requests), "-c", str(concurrency), "-k"]
    command += ["-H", "Accept-Language: zh-hans"]
    if cookie:
        command += ["-C", cookie]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    result = {}
    for key, pattern in AB_FIELDS.items():
        match = pattern.search(output)
        result[key] = float(match.group(1)) if match else 0.0
    if result["failed"] or result["non2xx"]:
        raise SystemExit(f"{url}: {result} — see `ab` output:\n{output}")
    return result


def measure(args) -> int:
    env = env_for(args.db)
    # Data seeded by an older checkout gets this one's migrations (and backfills).
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    # Fresh statistics, as autovacuum keeps them on a running site: after a bulk
    # seed the planner thinks the new tables empty (the quorum query of a
    # 1,000-seat meeting took 260 ms with them, 5.5 ms after ANALYZE).
    run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", "ANALYZE", args.db],
        env,
    )
    prepared = prepare(args.db)
    app_port, bare_port = args.port, args.port + 1
    bare_env = dict(env, DJANGO_SETTINGS_MODULE="bench.bare.settings")
    app = start_gunicorn("config.wsgi", app_port, env)
    bare = start_gunicorn("bench.bare.wsgi", bare_port, bare_env)
    results = {name: {"app": [], "bare": []} for name, *_ in PAGES}
    try:
        bare_url = f"http://127.0.0.1:{bare_port}/"
        ab(bare_url, requests=50, concurrency=2, cookie=None)  # warm up
        for _round in range(args.rounds):
            for name, role, _path in PAGES:
                if args.pages and not any(p in name for p in args.pages):
                    continue
                path = prepared["measured"][name][0]
                url = f"http://127.0.0.1:{app_port}{path}"
                cookie = prepared["cookies"][role]
                results[name]["app"].append(
                    ab(url, requests=args.requests, concurrency=args.c, cookie=cookie)
                )
                results[name]["bare"].append(
                    ab(
                        bare_url,
                        requests=args.requests,
                        concurrency=args.c,
                        cookie=None,
                    )
                )
    finally:
        for process in (app, bare):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
    print()
    print(
        f"size {args.size}, {args.rounds} rounds × {args.requests} requests, "
        f"concurrency {args.c}; bare page: 20 rows of {prepared['bare_rows']:,}"
    )
    header = (
        f"{'page':28} {'role':8} {'req/s':>7} {'p50':>6} {'p95':>6} {'queries':>7} "
        f"{'KB':>6} {'bare/s':>7} {'bare95':>6} {'ratio':>6} {'p95×':>5}"
    )
    print(header)
    print("-" * len(header))
    worst = 1.0
    for name, role, _path in PAGES:
        runs = results[name]
        if not runs["app"]:
            continue

        def med(side, key, runs=runs):
            return statistics.median(r[key] for r in runs[side])

        ratio = med("app", "rps") / med("bare", "rps")
        p95x = med("app", "p95") / max(med("bare", "p95"), 1)
        worst = min(worst, ratio)
        _path, queries, size = prepared["measured"][name]
        print(
            f"{name:28} {role:8} {med('app', 'rps'):7.1f} {med('app', 'p50'):6.0f} "
            f"{med('app', 'p95'):6.0f} {queries:7d} {size / 1024:6.1f} "
            f"{med('bare', 'rps'):7.1f} {med('bare', 'p95'):6.0f} "
            f"{ratio:6.0%} {p95x:5.1f}"
        )
    print(f"\nworst ratio {worst:.0%} (target: at least 40 %, p95 at most 3× the bare)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="demo")
    parser.add_argument("--db", default="bench_pages")
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument(
        "--seed-only", action="store_true", help="seed the size, measure nothing"
    )
    parser.add_argument("--bare-rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("-c", type=int, default=4, help="concurrent requests")
    parser.add_argument("--port", type=int, default=8301)
    parser.add_argument("--pages", nargs="*", help="only pages whose name has this")
    parser.add_argument("--internal-seed", help=argparse.SUPPRESS)
    parser.add_argument("--internal-bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.internal_seed:
        internal_seed(args.internal_seed, args.db)
        return 0
    if args.internal_bare:
        internal_bare(args.internal_bare, args.db)
        return 0
    if not args.skip_seed:
        seed(args.size, args.db, args.bare_rows)
    if args.seed_only:
        return 0
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
