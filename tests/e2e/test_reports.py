"""Figures and exports in a real browser on a phone: charts drawn, tables beside
them, a meeting's figures loaded into its page, and an export whose progress bar
ends in a file that openpyxl opens."""

import os
from datetime import date
from pathlib import Path

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.cache import cache
from django.db import connections
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

import reports.tasks  # noqa: F401  (the worker knows the task)
from config.celery import app as celery_app
from reports.services import snapshots_make
from residents.models import Role
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import MembershipFactory, UserFactory
from tests.reports.conftest import at, build_town

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town(transactional_db):
    cache.clear()  # figures are cached by community id, which repeats
    return build_town()


@pytest.fixture
def frozen():
    with time_machine.travel(at(28), tick=True):
        yield


SCREENS = os.environ.get("E2E_SCREENSHOTS", "")


def _shot(page, name):
    if SCREENS:
        page.screenshot(path=os.path.join(SCREENS, f"{name}.png"), full_page=True)


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _charts_drawn(page, ids):
    for chart_id in ids:
        chart = page.locator(f"#{chart_id}")
        expect(chart).to_have_attribute("data-chart-drawn", "1")
        expect(chart.locator("svg").first).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] <= 390 and box["height"] >= 200
        expect(page.get_by_test_id(f"{chart_id}-table")).to_be_visible()


@pytest.fixture
def celery_worker(transactional_db):
    def close_worker_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)


def test_staff_dashboard_draws_charts_with_tables_on_a_phone(page, town, frozen):
    log_in(page, town.staff)
    page.goto(f"/c/{town.community.slug}/reports/?month=2026-11")
    expect(page.get_by_role("heading", level=1)).to_have_text("汀塘社区的统计")
    expect(page.get_by_test_id("figure-participation")).to_have_text("60.0%")
    _charts_drawn(page, ["chart-acts", "chart-categories", "chart-trend"])
    table = page.get_by_test_id("chart-acts-table")
    expect(table.get_by_role("row", name="出席会议 3")).to_be_visible()
    assert _no_horizontal_scroll(page)
    assert_accessible(page)
    _shot(page, "reports-dashboard")


def _cell(section, page, name):
    """The value cell of the table row headed `name`."""
    row = section.locator(
        "tr", has=page.get_by_role("rowheader", name=name, exact=True)
    )
    return row.locator("td").first


def test_a_past_meetings_page_loads_its_figures_after_the_page(page, town, frozen):
    meeting = town.meetings[0]  # 15 November, concluded
    figures = reverse("reports:meeting_figures", args=[town.community.slug, meeting.pk])
    log_in(page, town.staff)
    with page.expect_response(lambda r: r.url.endswith(figures)) as loaded:
        page.goto(meeting.get_absolute_url())
    assert loaded.value.request.headers.get("hx-request") == "true"
    section = page.get_by_test_id("meeting-figures")
    expect(section.get_by_role("heading", name="本次会议的统计")).to_be_visible()
    # The link that stood in for the figures is gone: they replaced it.
    expect(page.get_by_role("link", name="本次会议的统计")).to_have_count(0)
    participation = _cell(section, page, "参与度")
    expect(participation).to_contain_text("60.0%")
    expect(participation.locator(".small")).to_have_text("5 人中 3 人")
    awareness = _cell(section, page, "知晓率")
    expect(awareness).to_contain_text("60.0%")
    expect(awareness.locator(".small")).to_have_text("3")
    satisfaction = _cell(section, page, "满意度")
    expect(satisfaction).to_contain_text("4.0")
    expect(satisfaction.locator(".small")).to_have_text("2 个评分")
    assert _no_horizontal_scroll(page)
    assert_accessible(page)
    _shot(page, "reports-meeting-figures")


def test_satisfaction_chart_draws_the_numbers_of_its_table_on_a_phone(
    page, town, frozen
):
    log_in(page, town.staff)
    page.goto(f"/c/{town.community.slug}/reports/?month=2026-11")
    expect(page.get_by_test_id("figure-satisfaction")).to_have_text("4.0")
    _charts_drawn(page, ["chart-satisfaction"])
    table = page.get_by_test_id("chart-satisfaction-table")
    rows = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[0].textContent.trim(),"
        " r.cells[1].textContent.trim()])"
    )
    # 阿英 rated 5 and 大东 3.
    assert rows == [
        ["5 星", "1"],
        ["4 星", "0"],
        ["3 星", "1"],
        ["2 星", "0"],
        ["1 星", "0"],
    ]
    drawn = page.evaluate(
        """() => {
        const option = echarts.getInstanceByDom(
          document.getElementById("chart-satisfaction")).getOption();
        return {labels: option.yAxis[0].data, values: option.series[0].data};
    }"""
    )
    assert [
        [label, str(value)]
        for label, value in zip(drawn["labels"], drawn["values"], strict=True)
    ] == rows
    chart = page.locator("#chart-satisfaction svg")
    expect(chart.locator("text", has_text="5 星")).to_be_visible()
    assert _no_horizontal_scroll(page)
    assert_accessible(page)


def test_district_view_compares_communities_on_a_phone(page, town, frozen):
    snapshots_make(month=date(2026, 11, 1))
    officer = UserFactory(display_name="民政局李科长")
    MembershipFactory(
        user=officer,
        community=None,
        district=town.community.district,
        role=Role.DISTRICT_OFFICER,
    )
    log_in(page, officer)
    page.goto(f"/d/{town.community.district.pk}/reports/?month=2026-11")
    _charts_drawn(page, ["chart-communities", "chart-trend"])
    rows = page.get_by_test_id("district-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("东峤社区")  # 100% before 60%
    assert _no_horizontal_scroll(page)
    _shot(page, "reports-district")
    assert_accessible(page)
    page.get_by_role("link", name="社区", exact=True).click()  # by name, A to Z
    expect(rows.first).to_contain_text("东峤社区")
    assert_accessible(page)
    page.get_by_role("link", name="社区 ↑").click()  # and back
    expect(rows.first).to_contain_text("汀塘社区")
    assert_accessible(page)


def test_export_shows_progress_and_downloads_a_workbook(
    page, town, frozen, celery_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    log_in(page, town.staff)
    page.goto(f"/c/{town.community.slug}/reports/exports/")
    assert_accessible(page)
    page.get_by_label("议题").check()
    page.get_by_label("Excel（.xlsx）").check()
    page.get_by_role("button", name="生成文件").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page)
    link = page.get_by_test_id("export-download")
    expect(link).to_be_visible(timeout=30_000)
    expect(page.get_by_role("progressbar")).to_contain_text("100%")
    assert_accessible(page)
    with page.expect_download() as download_info:
        link.click()
    path = Path(tmp_path / "topics.xlsx")
    download_info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "标题")
    assert sorted(row[1] for row in rows[1:]) == sorted(
        ["修三号楼路灯", '\'=HYPERLINK("x")', "加装电梯"]
    )
