"""Time the residents' heavy paths on a throwaway test database.

    .venv/bin/python bench/bench_residents.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_residents \
        .venv/bin/python bench/bench_residents.py        # PostgreSQL

Measures: checking and importing a 5,000-row CSV and a 5,000-row .xlsx
(upload check, then the confirm task), seeding 100,000 demo residents, and the
queries of the residents list at that size. Exits non-zero when a target is missed.
"""

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("YISHIHUI_TESTING", "true")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ROWS = 5000
TARGETS = {"import_csv": 10.0, "import_xlsx": 15.0, "seed_100k": 120.0}


def csv_bytes(rows: int) -> bytes:
    lines = ["姓名,手机,楼栋,单元,房号,户号,出生年份,标签"]
    for i in range(rows):
        tag = "独居老人" if i % 17 == 0 else ""
        lines.append(
            f"居民{i},1370{i:07d},{i % 40 + 1},{i % 3 + 1},{i % 6 + 1}0{i % 2 + 1},"
            f"B-{i // 3:05d},{1940 + i % 70},{tag}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def xlsx_bytes(rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["姓名", "手机号码", "楼栋", "单元", "房号", "出生年份"])
    for i in range(rows):
        sheet.append([f"住户{i}", 13800000000 + i, i % 40 + 1, 1, 101, 1950 + i % 60])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def time_import(community, user, name: str, data: bytes) -> tuple[float, float, int]:
    from residents import services
    from residents.models import ResidentImport

    started = time.perf_counter()
    resident_import = services.resident_import_prepare(
        community=community, uploaded_by=user, file_name=name, data=data
    )
    checked = time.perf_counter() - started
    services.resident_import_confirm(resident_import=resident_import)
    started = time.perf_counter()
    services.resident_import_run(resident_import=resident_import)
    written = time.perf_counter() - started
    resident_import = ResidentImport.objects.get(pk=resident_import.pk)
    assert resident_import.status == "done", resident_import.failure
    return checked, written, resident_import.imported_count


def main() -> int:
    from residents import demo
    from residents.models import Community, District, User
    from residents.services import community_create

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = []
    try:
        print(f"database: {connection.vendor}")
        district = District.objects.create(
            name="秀屿区", region_path="福建省/莆田市/秀屿区"
        )
        community = community_create(
            district=district, name="基准社区", slug="bench", region_path="x"
        )
        user = User.objects.create_user(username="bench", password="x")
        for label, name, data in [
            ("import_csv", "bench.csv", csv_bytes(ROWS)),
            ("import_xlsx", "bench.xlsx", xlsx_bytes(ROWS)),
        ]:
            checked, written, count = time_import(community, user, name, data)
            total = checked + written
            print(
                f"{label}: {count} rows, check {checked:.2f}s + write {written:.2f}s "
                f"= {total:.2f}s (target < {TARGETS[label]:.0f}s)"
            )
            if total >= TARGETS[label]:
                failures.append(label)

        # residents.demo alone (what seed_demo runs first); other apps' demo
        # modules add their own data on top and time themselves.
        started = time.perf_counter()
        with transaction.atomic():
            demo.seed({"residents": 100_000, "communities": 2, "stdout": None})
        seeded = time.perf_counter() - started
        print(
            f"seed_100k: residents.demo.seed with 100,000 residents in {seeded:.1f}s "
            f"(target < {TARGETS['seed_100k']:.0f}s)"
        )
        if seeded >= TARGETS["seed_100k"]:
            failures.append("seed_100k")

        staff = User.objects.get(username="tt-staff")
        client = Client()
        client.force_login(staff)
        for path in [
            "/c/tingtang/residents/",
            "/c/tingtang/residents/?q=林",
            "/c/tingtang/residents/?tag=is_elderly_alone&page=3",
            "/c/tingtang/residents/?q=5678",
            "/c/tingtang/organisations/",
            "/c/tingtang/",
        ]:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path, HTTP_HOST="127.0.0.1")
                elapsed = time.perf_counter() - started
            assert response.status_code == 200, (path, response.status_code)
            print(f"page {path}: {len(queries)} queries, {elapsed * 1000:.0f} ms")
        print(
            "residents in 汀塘社区:",
            Community.objects.get(slug="tingtang").residents.count(),
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if failures:
        print("MISSED:", ", ".join(failures))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
