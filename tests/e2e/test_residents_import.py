"""A staff member imports residents from a CSV file in a real browser."""

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from playwright.sync_api import expect

from config.celery import app as celery_app
from residents.models import ImportStatus, Resident, ResidentImport
from tests.e2e.conftest import assert_accessible, log_in

CSV = (
    "姓名,手机,楼栋,单元,房号,户号,出生年份,标签\n"
    "林秀英,13859001234,3,1,201,TT-1,1948,独居老人\n"
    "黄大明,138 5900 5678,4,2,301,TT-3,1975,\n"
    "陈坏号,12345,5,1,101,TT-4,1960,\n"
    "郑小燕,13859007777,6,1,102,TT-5,2015,留守儿童\n"
)


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread, consuming the test broker."""
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping)

    def close_worker_connections(**kwargs):
        # The worker thread's own connections; the test database is dropped after.
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)


def test_staff_imports_csv_sees_bad_row_confirms_and_finds_resident(
    page, live_server, community, staff_user, celery_worker
):
    log_in(page, staff_user)
    page.goto(f"/c/{community.slug}/residents/")
    assert_accessible(page)
    page.get_by_role("link", name="从文件导入").click()
    expect(page.get_by_role("heading", name="导入居民")).to_be_visible()
    assert_accessible(page)

    page.locator("input[name=file]").set_input_files(
        files=[
            {
                "name": "汀塘居民.csv",
                "mimeType": "text/csv",
                "buffer": CSV.encode("gbk"),  # as Chinese Excel saves it
            }
        ]
    )
    page.get_by_role("button", name="上传并核对").click()

    # The preview and the row-by-row report.
    report = page.locator("#import-report")
    expect(report).to_contain_text("第 4 行")
    expect(report).to_contain_text("陈坏号")
    expect(report).to_contain_text("不是有效的手机号")
    expect(page.locator("#count-valid")).to_have_text("3")
    assert Resident.objects.filter(community=community).count() == 0
    assert_accessible(page)

    page.get_by_role("button", name="导入 3 位居民").click()
    # Progress is polled until the worker is done, then the page shows the result.
    expect(page.get_by_role("link", name="查看居民")).to_be_visible(timeout=30_000)
    expect(page.locator("#import-progress")).to_contain_text("100%")
    assert ResidentImport.objects.get().status == ImportStatus.DONE
    assert_accessible(page)

    page.get_by_role("link", name="查看居民").click()
    page.get_by_label("按姓名、楼栋或手机号搜索").fill("黄大明")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#result-count")).to_contain_text("找到 1 位居民")
    assert_accessible(page)
    result = page.get_by_role("link", name="黄大明")
    expect(result).to_be_visible()
    result.click()
    expect(page.locator("#resident-mobile")).to_have_text("13859005678")
    assert_accessible(page)
    # Nothing of the bad row went in; the page fits a phone without scrolling sideways.
    assert not Resident.objects.filter(name="陈坏号").exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_staff_says_what_an_unrecognised_column_holds_and_the_rows_are_rechecked(
    page, live_server, community, staff_user, celery_worker
):
    log_in(page, staff_user)
    page.goto(f"/c/{community.slug}/residents/import/")
    assert_accessible(page)
    page.locator("input[name=file]").set_input_files(
        files=[
            {
                "name": "花名册.csv",
                "mimeType": "text/csv",
                "buffer": (
                    "姓名,户主电话,楼栋,身份证号\n"
                    "林秀英,13859001234,3,350301194805170021\n"
                    "黄大明,12345,4,350301197511020012\n"
                ).encode("gbk"),
            }
        ]
    )
    page.get_by_role("button", name="上传并核对").click()

    # No column is known to hold mobile numbers: the page says so before anything.
    expect(page.locator("#no-mobile-column")).to_contain_text("没有一列是手机号")
    expect(page.locator("#count-valid")).to_have_text("2")
    assert_accessible(page)
    page.get_by_label("“户主电话” →").select_option(label="手机号")
    page.get_by_label("“身份证号” →").select_option(label="不导入")
    with page.expect_navigation():
        page.get_by_role("button", name="按这些列重新核对").click()

    # Checked again: the warning is gone and the bad number is in the report.
    expect(page.locator("#no-mobile-column")).to_have_count(0)
    expect(page.locator("#count-valid")).to_have_text("1")
    report = page.locator("#import-report")
    expect(report).to_contain_text("第 3 行")
    expect(report).to_contain_text("12345")
    expect(page.get_by_label("“户主电话” →")).to_have_value("mobile")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("button", name="导入 1 位居民").click()
    expect(page.get_by_role("link", name="查看居民")).to_be_visible(timeout=30_000)
    lin = Resident.objects.get(community=community, name="林秀英")
    assert lin.mobile == "13859001234"
    assert lin.notes == ""  # 身份证号 was not imported
    assert not Resident.objects.filter(name="黄大明").exists()
