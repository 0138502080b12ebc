"""Ballots per second through the cast page, a last-minute rush, closing 10,000 ballots.

    .venv/bin/python bench/bench_voting.py
    BENCH_THREADS=16 BENCH_WORKERS=4 BENCH_CASTS=2000 .venv/bin/python bench/bench_voting.py

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_voting, dropped, created and migrated here) and
starts gunicorn (BENCH_WORKERS sync workers) with bench/voting_settings.py: the real
site plus a bare page through the same middleware. Three parts:

1. Throughput: BENCH_CASTS residents, each logged in, cast one ballot each through
   POST /c/bench/votes/<id>/vote/ from BENCH_THREADS client threads, as fast as the
   server answers; the same number of GET /bench/bare/ before and after. Prints
   both rates and their ratio.
2. The last minute: 2,000 other residents cast, spread evenly over the last minute
   of a round (it closes 60 s after the first ballot). Every answer must be the
   cast page's redirect; afterwards the round is closed and the tally must be 2,000.
3. Closing: a community-wide round of 10,000 voters (open ballot, then secret) with
   10,000 ballots is closed and tallied; prints the time of round_open (fixing the
   electorate) and of round_close.

BENCH_PARTS=2 (or "1,3" ...) runs some of the parts. Exits non-zero if a request
failed or a tally is wrong.
"""

import http.client
import os
import queue
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
THREADS = int(os.environ.get("BENCH_THREADS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CASTS = int(os.environ.get("BENCH_CASTS", "2000"))
RUSH = int(os.environ.get("BENCH_RUSH", "2000"))
BIG = int(os.environ.get("BENCH_BIG", "10000"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PARTS = set(os.environ.get("BENCH_PARTS", "1,2,3").split(","))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_voting"
)
ENV = {
    "DATABASE_URL": DATABASE_URL,
    "YISHIHUI_TESTING": "true",  # production settings less HTTPS and the secret
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
os.environ.update(ENV)
os.environ.pop("REDIS_URL", None)  # casting queues nothing; closing queues in memory


def fresh_database() -> None:
    """Drop and create the bench's own database: every run starts empty."""
    import psycopg2

    *server, name = DATABASE_URL.rsplit("/", 1)
    conn = psycopg2.connect(f"{server[0]}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


fresh_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from council import services as council_services  # noqa: E402
from residents.models import (  # noqa: E402
    Community,
    District,
    Membership,
    Resident,
    Role,
    User,
)
from voting import services  # noqa: E402
from voting.clock import database_now  # noqa: E402
from voting.models import (  # noqa: E402
    Ballot,
    BallotKind,
    BallotReceipt,
    Electorate,
    RoundQuorum,
    VotingRound,
)
from voting.services.common import receipt_code  # noqa: E402

CSRF = "b" * 32  # a CSRF secret, sent as the cookie and the header


def prepare(slug):
    district, _ = District.objects.get_or_create(
        name="秀屿区", defaults={"region_path": "福建省/莆田市/秀屿区"}
    )
    community = Community.objects.create(
        slug=slug, name=f"压测社区 {slug}", district=district, region_path="福建省"
    )
    staff = User.objects.create(username=f"{slug}-staff", display_name="工作人员")
    Membership.objects.create(user=staff, community=community, role=Role.STAFF)
    council_services.council_create(community=community)
    starts_at = timezone.now() + timedelta(days=20)
    meeting = council_services.meeting_schedule(
        community=community,
        by=staff,
        title="压测议事会",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="村委会",
    )
    item = council_services.agenda_item_create(
        meeting=meeting, by=staff, title="压测事项"
    )
    return community, staff, item


def voters_with_sessions(community, n, prefix):
    """n residents with a login and a session each: (resident, session key)."""
    users = User.objects.bulk_create(
        User(
            username=f"{community.slug}-{prefix}{i}",
            display_name=f"{prefix}{i}",
            password="!",
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(user=u, community=community, role=Role.RESIDENT) for u in users
    )
    residents = Resident.objects.bulk_create(
        Resident(community=community, user=u, name=u.display_name) for u in users
    )
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return list(zip(residents, keys, strict=True))


def open_round(item, staff, *, closes_at, ballot=BallotKind.OPEN):
    voting_round = services.round_create(
        agenda_item=item,
        by=staff,
        question="压测：是否同意？",
        closes_at=closes_at,
        ballot=ballot,
        electorate=Electorate.RESIDENTS,
        quorum_rule=RoundQuorum.NONE,
        rules_note="压测",
    )
    return services.round_open(voting_round=voting_round, by=staff)


def start_gunicorn():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.voting_settings",
    }
    log = (ROOT / "var" / "bench_voting_gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,  # refused ballots log a warning each: kept there
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = request("GET", "/bench/bare/")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def request(method, path, body=None, session_key=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    headers = {"Host": "127.0.0.1"}
    cookies = [f"csrftoken={CSRF}"]
    if session_key:
        cookies.append(f"sessionid={session_key}")
    headers["Cookie"] = "; ".join(cookies)
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["X-CSRFToken"] = CSRF
        headers["Referer"] = f"http://127.0.0.1:{PORT}/"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data
    finally:
        conn.close()


def run(jobs, threads):
    """Run (at, method, path, body, session) jobs; return [(status, latency)] and time."""
    work = queue.Queue()
    for job in jobs:
        work.put(job)
    results = []
    lock = threading.Lock()

    def worker():
        while True:
            try:
                at, method, path, body, session_key = work.get_nowait()
            except queue.Empty:
                return
            if at is not None:
                time.sleep(max(at - time.monotonic(), 0))
            started = time.monotonic()
            try:
                status, _data = request(method, path, body, session_key)
            except OSError as exc:
                status = f"error {exc}"
            with lock:
                results.append((status, time.monotonic() - started))

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results, time.monotonic() - started


def cast_jobs(voting_round, voters, *, start=None, spread=None):
    option = voting_round.options.get(code="for").pk
    path = f"/c/bench/votes/{voting_round.pk}/vote/"
    jobs = []
    for n, (_resident, key) in enumerate(voters):
        at = None if start is None else start + spread * n / len(voters)
        jobs.append((at, "POST", path, f"choice={option}", key))
    return jobs


def percentiles(results):
    latencies = sorted(latency for _status, latency in results)
    if not latencies:
        return "n/a"
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def part_throughput(community, staff, item):
    voters = voters_with_sessions(community, CASTS, "t")
    voting_round = open_round(
        item, staff, closes_at=timezone.now() + timedelta(hours=2)
    )
    bare_jobs = [(None, "GET", "/bench/bare/", None, key) for _r, key in voters]
    bare_1, bare_1_time = run(bare_jobs, THREADS)
    cast, cast_time = run(cast_jobs(voting_round, voters), THREADS)
    bare_2, bare_2_time = run(bare_jobs, THREADS)
    bare_rate = (len(bare_1) + len(bare_2)) / (bare_1_time + bare_2_time)
    cast_rate = len(cast) / cast_time
    cast_errors = [s for s, _l in cast if s != 302]
    bare_errors = [s for s, _l in bare_1 + bare_2 if s != 200]
    counted = BallotReceipt.objects.filter(voting_round=voting_round).count()
    print(f"1. throughput, {THREADS} client threads, gunicorn {WORKERS} sync workers")
    sys.stdout.flush()
    print(f"   bare page: {bare_rate:7.1f} requests/s ({percentiles(bare_1 + bare_2)})")
    print(f"   cast page: {cast_rate:7.1f} ballots/s  ({percentiles(cast)})")
    print(f"   ratio cast/bare: {cast_rate / bare_rate:.2f}")
    print(
        f"   ballots counted {counted} of {CASTS}; errors: cast {len(cast_errors)}, "
        f"bare {len(bare_errors)}"
    )
    return not cast_errors and not bare_errors and counted == CASTS


def part_rush(community, staff, item):
    voters = voters_with_sessions(community, RUSH, "r")
    lead = 65  # a round lasts a minute at least; the rush is its last minute
    voting_round = open_round(
        item, staff, closes_at=database_now() + timedelta(seconds=lead)
    )
    first = time.monotonic() + (lead - 60)
    jobs = cast_jobs(voting_round, voters, start=first, spread=57)
    results, took = run(jobs, max(THREADS, 32))
    errors = [s for s, _l in results if s != 302]
    wait = (voting_round.closes_at - database_now()).total_seconds()
    time.sleep(max(wait, 0) + 0.5)
    closed = services.round_close(voting_round=voting_round)
    voting_round.refresh_from_db()
    result = voting_round.result
    late = BallotReceipt.objects.filter(
        voting_round=voting_round, cast_at__gte=voting_round.closes_at
    ).count()
    print(
        f"2. last minute: {RUSH} voters over {took:.0f} s, "
        f"{RUSH / took:.1f} ballots/s offered ({percentiles(results)})"
    )
    print(
        f"   errors: {len(errors)} {dict(Counter(str(e)[:60] for e in errors))}; "
        f"closed: {closed}; tally {result.ballots_cast}; "
        f"cast after the deadline: {late}"
    )
    return not errors and closed and result.ballots_cast == RUSH and late == 0


def part_close():
    community, staff, item = prepare("bench-big")
    Resident.objects.bulk_create(
        (
            Resident(community=community, name=f"居民{i}", mobile=f"137{i:08d}")
            for i in range(BIG)
        ),
        batch_size=2000,
    )
    ok = True
    for ballot in (BallotKind.OPEN, BallotKind.SECRET):
        t0 = time.perf_counter()
        voting_round = open_round(
            item, staff, closes_at=timezone.now() + timedelta(days=3), ballot=ballot
        )
        t_open = time.perf_counter() - t0
        options = list(voting_round.options.all())
        electors = list(voting_round.electors.values_list("resident_id", flat=True))
        voters = electors
        now = timezone.now()
        receipts, ballots = [], []
        for resident_id in voters:
            option = random.choice(options)
            salt = secrets.token_hex(16)
            code = receipt_code(voting_round.pk, [option.position], salt)
            if ballot == BallotKind.SECRET:
                receipts.append(
                    BallotReceipt(
                        voting_round=voting_round, voter_id=resident_id, cast_at=now
                    )
                )
                ballots.append(
                    Ballot(
                        voting_round=voting_round,
                        options=[option.pk],
                        code=code,
                        salt=salt,
                    )
                )
            else:
                receipts.append(
                    BallotReceipt(
                        voting_round=voting_round,
                        voter_id=resident_id,
                        cast_at=now,
                        options=[option.pk],
                        code=code,
                        salt=salt,
                    )
                )
        BallotReceipt.objects.bulk_create(receipts, batch_size=2000)
        Ballot.objects.bulk_create(ballots, batch_size=2000)
        t0 = time.perf_counter()
        closed = services.round_close(
            voting_round=voting_round, now=voting_round.closes_at
        )
        t_close = time.perf_counter() - t0
        result = VotingRound.objects.get(pk=voting_round.pk).result
        print(
            f"3. {ballot} round of {voting_round.electorate_size} voters, "
            f"{len(voters)} ballots: open (fix the electorate) {t_open:.2f} s, "
            f"close and tally {t_close:.2f} s; tally {result.ballots_cast}"
        )
        ok = ok and closed and result.ballots_cast == len(voters) == BIG
    return ok


def main() -> int:
    print(f"preparing {DATABASE_URL.rsplit('/', 1)[-1]} ...")
    call_command("migrate", verbosity=0)
    community, staff, item = prepare("bench")
    ok = True
    if PARTS & {"1", "2"}:
        server = start_gunicorn()
        try:
            if "1" in PARTS:
                ok = part_throughput(community, staff, item) and ok
            if "2" in PARTS:
                ok = part_rush(community, staff, item) and ok
        finally:
            server.terminate()
            server.wait(30)
    if "3" in PARTS:
        ok = part_close() and ok
    one, five, fifteen = os.getloadavg()
    print(f"load average at the end (1, 5, 15 min): {one:.2f} {five:.2f} {fifteen:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
