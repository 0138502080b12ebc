"""Staff see a failed text message, retry it, and print the notice board sheet."""

import pytest

from notifications.models import Delivery, DeliveryStatus
from notifications.services import notify
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import ResidentFactory
from tests.notifications.conftest import test_kind_templates  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def failed_sms(community):
    resident = ResidentFactory(community=community, user=None, name="林阿公")
    (notification,) = notify(
        recipients=[resident],
        kind="test_event",
        context={"title": "11月29日议事会议程公布"},
        dedupe_key="meeting:3:agenda",
        link="/c/tingtang/",
    )
    delivery = notification.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED,
        attempts=8,
        last_error="isp.SYSTEM_ERROR: 短信平台繁忙",
    )
    return delivery


def test_staff_retry_a_failed_text_message(page, staff_user, failed_sms):
    log_in(page, staff_user)
    page.goto("/inbox/c/tingtang/deliveries/")
    assert page.locator("h1").inner_text() == "邮件和短信发送情况"
    row = page.locator(f"#delivery-{failed_sms.pk}")
    assert "林阿公" in row.inner_text()
    assert "isp.SYSTEM_ERROR" in row.inner_text()
    assert _no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path="/tmp/notifications_deliveries_zh.png", full_page=True)

    row.get_by_role("button", name="重试").click()
    page.get_by_text("马上重新发送。").wait_for()
    failed_sms.refresh_from_db()
    assert failed_sms.status == DeliveryStatus.PENDING


def test_notice_board_sheet_prints_on_a4_with_qr_codes(
    new_page, staff_user, failed_sms
):
    page = new_page(viewport={"width": 794, "height": 1123})
    log_in(page, staff_user)
    page.goto("/inbox/c/tingtang/notice-board/")
    assert "11月29日议事会议程公布" in page.locator("main").inner_text()
    assert page.locator(".notice svg").count() == 1
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.get_by_role("button", name="打印").is_visible()
    page.screenshot(path="/tmp/notifications_board_print.png", full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_inbox_and_board_in_english(new_page, staff_user, failed_sms):
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    page = new_page(locale="en-GB")
    log_in(page, staff_user)
    page.goto("/inbox/c/tingtang/deliveries/")
    assert page.locator("h1").inner_text() == "Email and text message deliveries"
    assert "Try again" in page.locator("main").inner_text()
    assert _no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path="/tmp/notifications_deliveries_en.png", full_page=True)
