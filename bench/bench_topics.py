"""p95 of the topic list page with 10,000 topics, on a throwaway test database.

    .venv/bin/python bench/bench_topics.py                              # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_topics \
        .venv/bin/python bench/bench_topics.py                          # PostgreSQL
    BENCH_TOPICS=10000 BENCH_REQUESTS=200 ...

Creates a community, one collection window and BENCH_TOPICS topics (with stored
endorsement and comment counters), then requests the list page as a logged-in
resident BENCH_REQUESTS times for each of: newest first, most supported first, a
status + category filter, a search, and a deep page. Prints p50, p95 and max per
variant and the query count per request (which must not depend on the number of
topics). Exits non-zero when a p95 exceeds BENCH_P95_MS (default 300 ms).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("YISHIHUI_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

N_TOPICS = int(os.environ.get("BENCH_TOPICS", "10000"))
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
P95_LIMIT_MS = float(os.environ.get("BENCH_P95_MS", "300"))
CATEGORIES = [
    "elderly_care",
    "facilities",
    "neighbours",
    "children",
    "environment",
    "safety",
    "other",
]
STATUSES = ["submitted", "in_triage", "accepted", "declined", "merged"]


def seed():
    from datetime import timedelta

    from django.utils import timezone

    from residents.models import District, Membership, Resident, Role, User
    from residents.services import community_create
    from topics.models import CollectionWindow, Topic

    district = District.objects.create(
        name="秀屿区", region_path="福建省/莆田市/秀屿区"
    )
    community = community_create(
        district=district, name="汀塘社区", slug="tingtang", region_path="福建省"
    )
    user = User.objects.create_user(
        username="bench", password="x", mobile="13900000000"
    )
    Membership.objects.create(user=user, community=community, role=Role.RESIDENT)
    residents = Resident.objects.bulk_create(
        Resident(community=community, name=f"居民{i}", mobile=f"137{i:08d}")
        for i in range(200)
    )
    Resident.objects.filter(pk=residents[0].pk).update(user=user)
    now = timezone.now()
    window = CollectionWindow.objects.create(
        community=community,
        title="十一月议事会",
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=7),
    )
    batch = []
    for i in range(N_TOPICS):
        batch.append(
            Topic(
                community=community,
                window=window,
                submitter=residents[i % len(residents)],
                title=f"议题{i}：三号楼门口路灯坏了",
                description="晚上太黑，老人出门容易摔倒。希望尽快修好。" * 3,
                category=CATEGORIES[i % len(CATEGORIES)],
                status=STATUSES[i % len(STATUSES)],
                endorsement_count=(i * 7919) % 97,
                comment_count=(i * 104729) % 13,
            )
        )
        if len(batch) == 2000:
            Topic.objects.bulk_create(batch)
            batch = []
    Topic.objects.bulk_create(batch)
    return user


def measure(client, params) -> tuple[list[float], int]:
    client.get("/c/tingtang/topics/", params)  # warm up
    executed = []

    def count(execute, sql, params_, many, context):
        executed.append(sql)
        return execute(sql, params_, many, context)

    with connection.execute_wrapper(count):
        response = client.get("/c/tingtang/topics/", params)
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(N_REQUESTS):
        started = time.perf_counter()
        response = client.get("/c/tingtang/topics/", params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings, len(executed)


def p(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> int:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failed = False
    try:
        started = time.perf_counter()
        user = seed()
        print(
            f"{connection.vendor}: {N_TOPICS:,} topics seeded in "
            f"{time.perf_counter() - started:.1f}s; {N_REQUESTS} requests per variant"
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        variants = {
            "newest": {},
            "most supported": {"sort": "endorsed"},
            "status+category": {"status": "accepted", "category": "facilities"},
            "search": {"q": "路灯"},
            "page 200": {"page": "200"},
        }
        print(
            f"{'variant':<16} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}"
        )
        for name, params in variants.items():
            timings, queries = measure(client, params)
            p95 = p(timings, 95)
            print(
                f"{name:<16} {statistics.median(timings):>8.1f} {p95:>8.1f} "
                f"{max(timings):>8.1f} {queries:>8}"
            )
            failed = failed or p95 > P95_LIMIT_MS
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if failed:
        print(f"FAILED: a p95 is above {P95_LIMIT_MS:.0f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
