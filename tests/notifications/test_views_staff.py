"""Staff pages: failed deliveries with retry, resident settings, the notice board."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, NotificationPreference
from notifications.services import delivery_send, notify
from tests.factories import ResidentFactory
from tests.notifications.factories import DeliveryFactory, NotificationFactory

pytestmark = pytest.mark.django_db


def url(name, community="tingtang", **kwargs):
    return reverse(f"notifications:{name}", kwargs={"community": community, **kwargs})


def test_permanent_failure_is_listed_for_staff_with_a_retry_button(
    login, staff_user, offline_resident, gateway
):
    gateway.script = ["isv.MOBILE_NUMBER_ILLEGAL"]
    (n,) = notify(
        recipients=[offline_resident],
        kind="test_event",
        context={"title": "停水通知"},
        dedupe_key="water:1",
    )
    delivery = n.deliveries.get()
    delivery_send(delivery_id=delivery.pk)

    page = login(staff_user).get(url("deliveries")).content.decode()

    assert "邮件和短信发送情况" in page
    assert "消息中心: 停水通知" in page
    assert "林阿公" in page
    assert offline_resident.get_absolute_url() in page
    assert url("resident_preferences", pk=offline_resident.pk) in page
    assert "isv.MOBILE_NUMBER_ILLEGAL" in page
    assert "已尝试 1 次" in page
    assert url("delivery_retry", pk=delivery.pk) in page
    assert "重试" in page


def test_retry_button_queues_the_delivery_again(login, staff_user, community):
    d = DeliveryFactory(notification__community=community)
    client = login(staff_user)

    response = client.post(url("delivery_retry", pk=d.pk), HTTP_HX_REQUEST="true")
    assert "马上重新发送。" in response.content.decode()
    d.refresh_from_db()
    assert (d.status, d.attempts, d.manual_retries) == ("pending", 0, 1)

    again = client.post(url("delivery_retry", pk=d.pk), follow=True)
    assert "只有发送失败的记录才能重试。" in again.content.decode()


def test_retry_all_failed(login, staff_user, community, other_community):
    for _ in range(3):
        DeliveryFactory(notification__community=community)
    elsewhere = DeliveryFactory(notification__community=other_community)
    response = login(staff_user).post(url("deliveries_retry_all"), follow=True)
    assert "3 条发送失败的记录马上重新发送。" in response.content.decode()
    assert Delivery.objects.filter(status="pending").count() == 3
    elsewhere.refresh_from_db()
    assert elsewhere.status == DeliveryStatus.FAILED


def test_failed_list_shows_only_this_communitys_deliveries(
    login, staff_user, community, other_community
):
    DeliveryFactory(notification__community=community, notification__subject="本社区")
    DeliveryFactory(
        notification__community=other_community, notification__subject="别的社区"
    )
    page = login(staff_user).get(url("deliveries")).content.decode()
    assert "本社区" in page
    assert "别的社区" not in page


def test_empty_failed_list_says_so(login, staff_user):
    page = (
        login(staff_user).get(url("deliveries"), {"status": "failed"}).content.decode()
    )
    assert "没有发送失败的记录" in page


def test_status_filter_and_bad_status(login, staff_user, community):
    DeliveryFactory(notification__community=community, status="sent", attempts=1)
    client = login(staff_user)
    assert (
        client.get(url("deliveries"), {"status": "sent"})
        .context["page_obj"]
        .paginator.count
        == 1
    )
    response = client.get(url("deliveries"), {"status": "nonsense"})
    assert response.status_code == 200
    assert response.context["status"] == "pending"


@pytest.mark.parametrize("count", [2, 40])
def test_failed_list_paginates_with_bounded_queries(
    login, staff_user, community, count, django_assert_max_num_queries
):
    for _ in range(count):
        DeliveryFactory(
            notification__community=community,
            notification__resident=ResidentFactory(community=community),
        )
    client = login(staff_user)
    with django_assert_max_num_queries(14):
        response = client.get(url("deliveries"), {"status": "failed"})
    assert len(response.context["page_obj"].object_list) == min(count, 25)
    with django_assert_max_num_queries(15):
        response = client.get(url("deliveries"))  # waiting, failed ones on top
    assert len(response.context["failed"]) == min(count, 5)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_user", 200),
        ("social_worker", 403),
        ("resident_user", 403),
        ("district_officer", 403),
        ("other_staff_user", 403),
    ],
)
def test_deliveries_page_is_for_this_communitys_staff(login, request, who, status):
    user = request.getfixturevalue(who)
    assert login(user).get(url("deliveries")).status_code == status


def test_staff_of_another_community_cannot_retry(login, other_staff_user, community):
    d = DeliveryFactory(notification__community=community)
    assert (
        login(other_staff_user).post(url("delivery_retry", pk=d.pk)).status_code == 403
    )
    # and through their own community's URL the delivery does not exist
    response = login(other_staff_user).post(
        url("delivery_retry", community="dongqiao", pk=d.pk)
    )
    assert response.status_code == 404
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED


def test_unknown_community_is_404(login, staff_user):
    assert (
        login(staff_user).get(url("deliveries", community="nowhere")).status_code == 404
    )


def test_staff_set_text_message_settings_for_a_resident_without_login(
    login, staff_user, offline_resident
):
    client = login(staff_user)
    target = url("resident_preferences", pk=offline_resident.pk)
    page = client.get(target).content.decode()
    assert "林阿公 的通知方式" in page
    assert "给我发电子邮件" not in page

    response = client.post(
        target, {"sms_enabled": "on", "daily_digest": "on"}, follow=True
    )
    assert "林阿公 的通知方式已保存。" in response.content.decode()
    pref = NotificationPreference.objects.get(resident=offline_resident)
    assert (pref.sms_enabled, pref.sms_quiet_hours, pref.daily_digest) == (
        True,
        False,
        True,
    )


def test_resident_with_login_sets_their_own_settings(login, staff_user, resident_user):
    resident = resident_user.resident_records.get()
    client = login(staff_user)
    target = url("resident_preferences", pk=resident.pk)
    assert "由本人设置" in client.get(target).content.decode()
    client.post(target, {"sms_enabled": "on"})
    assert not NotificationPreference.objects.filter(resident=resident).exists()


def test_resident_settings_page_checks_the_community(
    login, other_staff_user, resident_user, offline_resident
):
    assert (
        login(other_staff_user)
        .get(url("resident_preferences", pk=offline_resident.pk))
        .status_code
        == 403
    )
    assert (
        login(other_staff_user)
        .get(url("resident_preferences", community="dongqiao", pk=offline_resident.pk))
        .status_code
        == 404
    )
    assert (
        login(resident_user)
        .get(url("resident_preferences", pk=offline_resident.pk))
        .status_code
        == 403
    )


def test_notice_board_prints_one_notice_per_event_with_a_qr_code(
    login, staff_user, community, other_community, settings
):
    for i in range(5):  # one event, five recipients
        NotificationFactory(
            community=community,
            event_key="meeting:3:agenda",
            dedupe_key=f"meeting:3:agenda:r{i}",
            subject="11月29日议事会议程公布",
            link="/c/tingtang/council/meetings/3/",
        )
    NotificationFactory(community=community, subject="停水通知", link="")
    NotificationFactory(community=other_community, subject="别的社区的通知")
    old = NotificationFactory(community=community, subject="很久以前")
    type(old).objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=20)
    )

    response = login(staff_user).get(url("notice_board"))
    page = response.content.decode()

    assert page.count("11月29日议事会议程公布") == 1
    assert "停水通知" in page
    assert "别的社区的通知" not in page
    assert "很久以前" not in page  # older than the 14 days shown
    assert page.count("<svg") == 2
    assert "扫码查看" in page
    assert "/static/notifications/notice_board.css" in page
    stylesheet = finders.find("notifications/notice_board.css")
    assert "size: A4" in Path(stylesheet).read_text(encoding="utf-8")
    assert [i["url"] for i in response.context["items"]] == [
        "http://testserver/c/tingtang/",
        "http://testserver/c/tingtang/council/meetings/3/",
    ]


def test_notice_board_prefers_the_page_language(login, staff_user, community):
    NotificationFactory(
        community=community,
        event_key="e",
        dedupe_key="e:u1",
        subject="Meeting",
        language="en",
    )
    NotificationFactory(
        community=community,
        event_key="e",
        dedupe_key="e:u2",
        subject="开会",
        language="zh-hans",
    )
    page = login(staff_user).get(url("notice_board")).content.decode()
    assert "开会" in page
    assert "Meeting" not in page


@pytest.mark.parametrize("count", [2, 30])
def test_notice_board_query_budget(
    login, staff_user, community, count, django_assert_max_num_queries
):
    for i in range(count):
        NotificationFactory(
            community=community, event_key=f"e{i}", dedupe_key=f"e{i}:u"
        )
    client = login(staff_user)
    with django_assert_max_num_queries(10):
        response = client.get(url("notice_board"), {"days": "30"})
    assert len(response.context["items"]) == min(count, 30)


def test_notice_board_is_for_staff_and_social_workers(
    login, staff_user, social_worker, resident_user, other_staff_user
):
    assert login(staff_user).get(url("notice_board")).status_code == 200
    assert login(social_worker).get(url("notice_board")).status_code == 200
    assert login(resident_user).get(url("notice_board")).status_code == 403
    assert login(other_staff_user).get(url("notice_board")).status_code == 403


def test_notice_board_bad_days_falls_back(login, staff_user):
    response = login(staff_user).get(url("notice_board"), {"days": "abc"})
    assert response.status_code == 200
    assert response.context["days"] == 14


def test_community_navigation_links_staff_to_deliveries_and_notice_board(
    login, staff_user, resident_user
):
    home = reverse("residents:community_home", kwargs={"community": "tingtang"})
    staff_page = login(staff_user).get(home).content.decode()
    assert url("deliveries") in staff_page
    assert url("notice_board") in staff_page
    assert "公告栏" in staff_page
    resident_page = login(resident_user).get(home).content.decode()
    assert url("deliveries") not in resident_page
    assert url("notice_board") not in resident_page


def test_notice_board_does_not_print_personal_message_bodies(
    login, staff_user, community
):
    NotificationFactory(
        community=community, subject="停水通知", body="王阿姨您好，您家明天停水。"
    )
    page = login(staff_user).get(url("notice_board")).content.decode()
    assert "停水通知" in page
    assert "王阿姨您好" not in page
