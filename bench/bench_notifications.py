"""Create and deliver 10,000 notifications through a real Celery worker and Redis.

    .venv/bin/python bench/bench_notifications.py
    BENCH_N=2000 BENCH_CONCURRENCY=2 .venv/bin/python bench/bench_notifications.py

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_notifications, created and migrated
here) and Redis database 2 (BENCH_REDIS_URL). Starts `celery -A config worker`
(prefork, BENCH_CONCURRENCY processes) with the logging SMS backend, calls
notify() once for N residents without a login (one SMS each), and waits until every
delivery is sent. Prints the time to create (notify + commit + queueing), the time
until the last delivery is sent, the throughput, and the worker's peak memory: the
highest sampled sum of RSS over the worker's process tree, and each process's own
peak (VmHWM). Exits non-zero if a message is missing or sent twice.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
N = int(os.environ.get("BENCH_N", "10000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "2"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_notifications"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "YISHIHUI_TESTING": "true",
    "SMS_BACKEND": "notifications.sms.LoggingSmsBackend",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
os.environ.update(ENV)


def ensure_database() -> None:
    import psycopg2

    *server, name = DATABASE_URL.rsplit("/", 1)
    conn = psycopg2.connect(f"{server[0]}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402

from config.celery import app  # noqa: E402
from notifications.models import (  # noqa: E402
    Delivery,
    DeliveryStatus,
    LoggedSms,
    Notification,
)
from notifications.models import NotificationPreference as Pref  # noqa: E402
from notifications.services import notify  # noqa: E402
from residents.models import Community, District, Resident  # noqa: E402


def process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
        except OSError:
            continue
        todo.extend(int(c) for c in children.split())
    return pids


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_tree_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.sample()
            time.sleep(0.1)

    def sample(self):
        tree = process_tree(self.pid)
        self.peak_tree_kb = max(
            self.peak_tree_kb, sum(status_kb(p, "VmRSS") for p in tree)
        )
        for p in tree:
            self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), status_kb(p, "VmHWM"))


def prepare() -> list[Resident]:
    call_command("migrate", verbosity=0)
    LoggedSms.objects.all().delete()
    Notification.objects.filter(kind="digest", event_key__startswith="bench:").delete()
    Resident.objects.filter(community__slug="bench").delete()
    district, _ = District.objects.get_or_create(
        name="秀屿区", defaults={"region_path": "福建省/莆田市/秀屿区"}
    )
    community, _ = Community.objects.get_or_create(
        slug="bench",
        defaults={"name": "压测社区", "district": district, "region_path": "福建省"},
    )
    residents = Resident.objects.bulk_create(
        (
            Resident(community=community, name=f"居民{i}", mobile=f"137{i:08d}")
            for i in range(N)
        ),
        batch_size=2000,
    )
    Pref.objects.bulk_create(
        (Pref(resident=r, sms_quiet_hours=False) for r in residents), batch_size=2000
    )
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    return residents


def start_worker() -> subprocess.Popen:
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--concurrency={CONCURRENCY}",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "-n",
            "bench@%h",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    for line in worker.stdout:
        if " ready." in line:
            break
        if time.monotonic() > deadline:
            raise SystemExit("worker did not start")
    threading.Thread(target=lambda: worker.stdout.read(), daemon=True).start()
    return worker


def main() -> int:
    print(f"preparing {N} residents in {DATABASE_URL.rsplit('/', 1)[-1]} ...")
    residents = prepare()
    worker = start_worker()
    sampler = MemorySampler(worker.pid)
    sampler.start()
    try:
        t0 = time.perf_counter()
        notify(
            recipients=residents,
            kind="digest",
            context={"notifications": [], "count": 1},
            dedupe_key=f"bench:{time.time_ns()}",
        )
        t_created = time.perf_counter() - t0
        last_report = 0.0
        while True:
            sent = Delivery.objects.filter(
                notification__community__slug="bench", status=DeliveryStatus.SENT
            ).count()
            elapsed = time.perf_counter() - t0
            if sent >= N:
                break
            if elapsed - last_report >= 5:
                print(f"  {elapsed:6.1f} s: {sent} sent")
                last_report = elapsed
            if elapsed > 1800:
                print("gave up after 30 minutes")
                return 1
            time.sleep(0.25)
        t_total = time.perf_counter() - t0
        sampler.sample()
    finally:
        sampler.stop.set()
        worker.terminate()
        worker.wait(30)

    logged = LoggedSms.objects.filter(mobile__startswith="137").count()
    doubles = (
        LoggedSms.objects.values("reference")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    print(f"notifications and deliveries: {N} (one SMS each), worker -c {CONCURRENCY}")
    print(f"create (notify, commit, queue): {t_created:7.2f} s")
    print(f"create and deliver all:         {t_total:7.2f} s")
    print(f"throughput:                     {N / t_total:7.0f} deliveries/s")
    print(f"peak worker RSS (process tree): {sampler.peak_tree_kb / 1024:7.1f} MiB")
    for pid, kb in sorted(sampler.hwm_kb.items()):
        print(f"  pid {pid} peak RSS (VmHWM):   {kb / 1024:7.1f} MiB")
    print(f"messages logged: {logged}, sent twice: {doubles}")
    one, five, fifteen = os.getloadavg()
    print(f"load average at the end (1, 5, 15 min): {one:.2f} {five:.2f} {fifteen:.2f}")
    return 0 if logged == N and doubles == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
