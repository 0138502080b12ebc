"""The deliveries page opens on what is waiting, says when each will go, and makes
failed ones stand out."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from notifications.models import DeliveryStatus
from tests.notifications.factories import DeliveryFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _page(client, **params):
    return client.get(
        reverse("notifications:deliveries", args=["tingtang"]), params
    ).content.decode()


def test_opens_on_messages_waiting_for_the_end_of_quiet_hours(
    login, staff_user, community
):
    evening = datetime(2026, 11, 20, 22, 30, tzinfo=SHANGHAI)
    with time_machine.travel(evening, tick=False):
        for n in range(3):
            DeliveryFactory(
                notification__community=community,
                notification__subject=f"议程公布{n}",
                status=DeliveryStatus.PENDING,
                attempts=0,
                last_error="",
                next_attempt_at=datetime(2026, 11, 21, 8, 0, tzinfo=SHANGHAI),
            )
        page = _page(login(staff_user))
    assert "3 条消息正在等待发送" in page
    assert page.count("将于 2026年11月21日 星期六 08:00 发出（免打扰时段结束后）") == 3
    assert "议程公布0" in page and "议程公布2" in page
    assert "没有发送失败的记录" not in page  # not the empty failed tab


def test_a_retry_says_when_it_is_tried_again_and_a_fresh_one_goes_now(
    login, staff_user, community
):
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
    with time_machine.travel(noon, tick=False):
        DeliveryFactory(
            notification__community=community,
            status=DeliveryStatus.PENDING,
            attempts=2,
            next_attempt_at=noon + timedelta(minutes=5),
        )
        DeliveryFactory(
            notification__community=community,
            status=DeliveryStatus.PENDING,
            attempts=0,
            last_error="",
            next_attempt_at=None,
        )
        page = _page(login(staff_user))
    assert "将于 2026年11月20日 星期五 12:05 重试" in page
    assert "正在发送" in page
    # The one going now is listed first.
    assert page.index("正在发送") < page.index("12:05 重试")


def test_failed_deliveries_stand_out_above_the_waiting_ones(
    login, staff_user, community
):
    failed = DeliveryFactory(
        notification__community=community, notification__subject="停水通知"
    )
    DeliveryFactory(
        notification__community=community,
        status=DeliveryStatus.PENDING,
        attempts=0,
        notification__subject="议程公布",
    )
    page = _page(login(staff_user))
    assert "1 条发送失败：对方没有收到" in page
    assert page.index("停水通知") < page.index("议程公布")
    assert (
        f'id="delivery-{failed.pk}" class="list-group-item py-3 delivery-failed"'
        in (page)
    )
    assert reverse("notifications:delivery_retry", args=["tingtang", failed.pk]) in page
    # The failed tab's count is red.
    assert "text-bg-danger" in page


def test_more_failed_than_shown_links_to_all(login, staff_user, community):
    for _ in range(7):
        DeliveryFactory(notification__community=community)
    page = _page(login(staff_user))
    assert "查看全部 7 条发送失败" in page
    assert page.count("delivery-failed") == 5
