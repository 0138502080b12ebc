"""A resident sees the unread count rise, opens the inbox, follows a link, and the
count drops."""

import pytest

from notifications.services import notify
from tests.e2e.conftest import assert_accessible, log_in
from tests.notifications.conftest import test_kind_templates  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _badge(page):
    return page.locator("#nav-inbox [data-unread]")


def test_unread_count_rises_then_drops_as_the_resident_reads(page, resident_user):
    page.clock.install()
    log_in(page, resident_user)
    assert page.locator("#nav-inbox").is_visible()
    assert _badge(page).count() == 0

    for key, title in [
        ("meeting:1:agenda", "议程已公布"),
        ("topic:5:accepted", "议题已受理"),
    ]:
        notify(
            recipients=[resident_user],
            kind="test_event",
            context={"title": title},
            dedupe_key=key,
            link="/c/tingtang/",
        )

    # The badge polls every 45 s: let the page's clock run past that.
    page.clock.run_for(46_000)
    _badge(page).wait_for()
    assert _badge(page).get_attribute("data-unread") == "2"
    assert "2" in page.locator("#nav-inbox").inner_text()

    with page.expect_navigation():
        page.locator("#nav-inbox").click()
    assert page.locator("h1").inner_text() == "消息中心"
    assert page.locator(".inbox-unread").count() == 2
    assert _no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path="/tmp/notifications_inbox_zh.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name="消息中心: 议程已公布").click()
    assert page.url.endswith("/c/tingtang/")
    assert _badge(page).get_attribute("data-unread") == "1"

    with page.expect_navigation():
        page.locator("#nav-inbox").click()
    assert page.locator(".inbox-unread").count() == 1
    page.get_by_role("button", name="标为已读", exact=True).click()  # htmx, no reload
    page.locator(".inbox-unread").first.wait_for(state="detached")
    _badge(page).wait_for(state="detached")
    assert page.locator("#nav-inbox").get_attribute("aria-label") == "消息中心"


def test_mark_all_read_works_without_javascript(new_page, resident_user):
    page = new_page()
    page.context.route("**/htmx.min.js", lambda route: route.abort())
    log_in(page, resident_user)
    for i in range(3):
        notify(
            recipients=[resident_user],
            kind="test_event",
            context={"title": f"通知{i}"},
            dedupe_key=f"plain:{i}",
        )
    page.goto("/inbox/")
    assert_accessible(page)
    assert _badge(page).get_attribute("data-unread") == "3"
    with page.expect_navigation():
        page.get_by_role("button", name="全部标为已读").click()
    assert "已将 3 条通知标为已读。" in page.locator("main").inner_text()
    assert_accessible(page)
    assert _badge(page).count() == 0
