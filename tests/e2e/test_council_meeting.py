"""Staff run a council meeting in a real browser on a phone-sized screen.

Assign seats, schedule a meeting, add an item, invite a stakeholder, publish
the agenda, open the meeting, check in four representatives and watch the
quorum turn from not met to met.
"""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from council.models import Attendance, Invitation, Meeting, MeetingStatus, Seat
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import OrganizationFactory, ResidentFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = os.environ.get("E2E_SCREENSHOTS", "")
NAMES = ["林秀珍", "陈国强", "黄美华", "郑建新", "吴丽娟", "蔡志明"]


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _shot(page, name):
    if SCREENS:
        page.screenshot(path=os.path.join(SCREENS, f"{name}.png"), full_page=True)


def test_staff_schedule_invite_publish_open_and_reach_quorum(
    page, community, staff_user
):
    for name in NAMES:
        ResidentFactory(community=community, name=name)
    OrganizationFactory(community=community, name="汀塘志愿者协会", kind="social_org")
    OrganizationFactory(community=community, name="爱心企业", kind="social_resource")
    log_in(page, staff_user)

    # Assign one seat of each of the six kinds.
    page.goto(f"/c/{community.slug}/council/")
    assert page.locator("h1").inner_text() == "居民协商民主议事会"
    assert_accessible(page)
    kinds = [
        ("居民委员会代表", None),
        ("居民骨干代表", None),
        ("妇女代表", None),
        ("社会组织代表", "汀塘志愿者协会"),
        ("社会资源代表", "爱心企业"),
        ("社工代表", None),
    ]
    for (kind, organization), name in zip(kinds, NAMES, strict=True):
        page.get_by_role("link", name="指派代表").first.click()
        if name == NAMES[0]:
            page.wait_for_url("**/seats/**")
            assert_accessible(page)
        page.get_by_label("代表类别").select_option(label=kind)
        page.locator("#id_resident").fill(name)
        if organization:
            page.get_by_label("所代表的组织").select_option(label=organization)
        page.get_by_label("任期开始").fill(
            (timezone.localdate() - timedelta(days=1)).isoformat()
        )
        with page.expect_navigation():
            page.get_by_role("button", name="保存").click()
        assert f"{name} 已担任{kind}" in page.locator("main").inner_text()
        if name == NAMES[0]:
            assert_accessible(page)
    assert Seat.objects.current().count() == 6
    assert _no_horizontal_scroll(page)
    _shot(page, "council")

    # Schedule a meeting twelve days ahead (Beijing time).
    page.goto(f"/c/{community.slug}/council/meetings/")
    assert_accessible(page)
    page.get_by_role("link", name="安排会议").first.click()
    page.wait_for_url("**/meetings/new/**")
    assert_accessible(page)
    starts = timezone.localtime() + timedelta(days=12)
    page.get_by_label("标题").fill("十二月居民议事会")
    page.get_by_label("开始时间").fill(starts.strftime("%Y-%m-%dT19:30"))
    page.get_by_label("结束时间").fill(starts.strftime("%Y-%m-%dT21:00"))
    page.get_by_label("地址").fill("汀塘村委会")
    page.get_by_label("会议室").fill("三楼会议室")
    with page.expect_navigation():
        page.get_by_role("button", name="安排会议").click()
    assert page.locator("h1").inner_text() == "十二月居民议事会"
    assert "议题征集中" in page.get_by_test_id("meeting-status").inner_text()
    assert "还剩" in page.get_by_test_id("now").inner_text()
    assert_accessible(page)
    meeting = Meeting.objects.get()
    assert meeting.window.closes_at == meeting.starts_at - timedelta(days=7)

    # A staff item on the agenda, then a stakeholder invited to it.
    page.locator("summary", has_text="添加工作人员事项").click()
    page.get_by_label("标题").fill("小区停车难")
    with page.expect_navigation():
        page.get_by_role("button", name="加入议程").click()
    assert_accessible(page)
    page.get_by_role("link", name="小区停车难").click()
    page.wait_for_url("**/items/**")
    assert_accessible(page)
    page.get_by_role("radio", name="外部相关方（公司、学校等）").check()
    page.get_by_label("外部相关方名称").fill("物业公司 张经理")
    page.get_by_label("对方电话（邀请参会时需要）").fill("13900001111")
    page.get_by_label("受影响的原因").fill("负责小区停车管理")
    with page.expect_navigation():
        page.get_by_role("button", name="发送邀请").click()
    assert "已邀请 物业公司 张经理" in page.locator("main").inner_text()
    assert Invitation.objects.get().outside_name == "物业公司 张经理"
    assert_accessible(page)
    _shot(page, "agenda_item")

    # Publish the agenda: collection is still open, so a confirmation says that
    # publishing closes it. Then open the meeting twelve days early: another
    # confirmation names the scheduled date, and the start moves to now.
    page.get_by_role("link", name="十二月居民议事会").click()
    with page.expect_navigation():
        page.get_by_role("button", name="发布议程").click()
    assert "立即结束征集" in page.get_by_test_id("confirm-reason").inner_text()
    assert_accessible(page)
    _shot(page, "confirm_publish")
    with page.expect_navigation():
        page.get_by_role("button", name="确认：发布议程").click()
    assert "议程已发布" in page.get_by_test_id("meeting-status").inner_text()
    assert Meeting.objects.get().window.closed_at is not None
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="开始会议").click()
    reason = page.get_by_test_id("confirm-reason").inner_text()
    assert f"{starts.month}月{starts.day}日" in reason
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="确认：开始会议").click()
    assert "进行中" in page.get_by_test_id("meeting-status").inner_text()
    assert "还剩" not in page.locator("main").inner_text()
    assert Meeting.objects.get().starts_at <= timezone.now()
    assert_accessible(page)
    _shot(page, "meeting")

    # Check in four representatives; quorum turns from not met to met.
    page.get_by_role("link", name="签到名单").click()
    page.wait_for_url("**/attendance/**")
    assert_accessible(page)
    quorum = page.get_by_test_id("quorum-status")
    assert "未达法定人数" in quorum.inner_text()
    for index, name in enumerate(NAMES[:4]):
        page.get_by_role("button", name=f"{name}: 现场出席").click()
        page.get_by_test_id("quorum-status").filter(
            has_text=f"{index + 1} 个出席"
        ).wait_for()
        expected = "已达法定人数" if index == 3 else "未达法定人数"
        assert expected in page.get_by_test_id("quorum-status").inner_text()
    assert "已达法定人数" in page.get_by_test_id("quorum-status").inner_text()
    assert_accessible(page)
    assert "类别覆盖已达到" in page.get_by_test_id("coverage-status").inner_text()
    assert _no_horizontal_scroll(page)
    _shot(page, "check_in")
    assert Attendance.objects.filter(status="in_person").count() == 4
    assert Meeting.objects.get().status == MeetingStatus.IN_PROGRESS


def test_representative_scans_the_qr_code_and_checks_in(
    new_page, community, staff_user, resident_user
):
    from council.models import Seat
    from residents.models import Resident
    from tests.council.factories import in_progress, schedule, seat_council

    _council, seats = seat_council(community, by=staff_user)
    me = Resident.objects.get(community=community, user=resident_user)
    Seat.objects.filter(pk=seats[2].pk).update(resident=me)
    meeting = in_progress(schedule(community, by=staff_user), by=staff_user)

    staff_page = new_page()
    log_in(staff_page, staff_user)
    staff_page.goto(f"/c/{community.slug}/council/meetings/{meeting.pk}/qr/")
    address = staff_page.get_by_test_id("check-in-url").inner_text().strip()
    assert staff_page.locator(".qr svg").is_visible()
    assert_accessible(staff_page)

    phone = new_page()
    log_in(phone, resident_user)
    phone.goto(address)
    assert_accessible(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="我已到场").click()
    assert "王阿姨，您已签到" in phone.locator("main").inner_text()
    assert_accessible(phone)
    assert _no_horizontal_scroll(phone)

    staff_page.goto(f"/c/{community.slug}/council/meetings/{meeting.pk}/attendance/")
    assert_accessible(staff_page)
    row = staff_page.locator(f"#row-r{me.pk}")
    assert "现场出席" in row.inner_text() and "本人签到" in row.inner_text()
    assert (
        "6 个席位中 1 个出席" in staff_page.get_by_test_id("quorum-status").inner_text()
    )


def test_the_check_in_qr_rotates_and_an_old_code_is_refused(
    new_page, community, staff_user, resident_user, settings
):
    """The screen in the room refreshes the QR (htmx); a photo of an old one
    sent to a group chat no longer checks anyone in."""
    import time_machine

    from council.models import Seat
    from residents.models import Resident
    from tests.council.factories import in_progress, schedule, seat_council

    _council, seats = seat_council(community, by=staff_user)
    me = Resident.objects.get(community=community, user=resident_user)
    Seat.objects.filter(pk=seats[0].pk).update(resident=me)
    meeting = in_progress(schedule(community, by=staff_user), by=staff_user)
    old_code = meeting.self_check_in_code(timezone.now() - timedelta(minutes=10))

    phone = new_page()
    log_in(phone, resident_user)
    phone.goto(
        f"/c/{community.slug}/council/meetings/{meeting.pk}/check-in/{old_code}/"
    )
    assert "签到码已过期" in phone.locator("main").inner_text()
    assert phone.get_by_role("button", name="我已到场").count() == 0
    assert not Attendance.objects.exists()
    assert_accessible(phone)
    _shot(phone, "check_in_expired")

    settings.CHECK_IN_QR_REFRESH_SECONDS = 2  # the room's screen asks every 20 s
    staff_page = new_page()
    log_in(staff_page, staff_user)
    staff_page.goto(f"/c/{community.slug}/council/meetings/{meeting.pk}/qr/")
    assert_accessible(staff_page)
    shown = staff_page.get_by_test_id("check-in-url")
    first = shown.inner_text().strip()
    assert meeting.self_check_in_code() in first
    # Two minutes later the screen shows a new code without a reload.
    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=5)):
        staff_page.wait_for_function(
            "old => document.querySelector('[data-testid=check-in-url]')"
            ".innerText.trim() !== old",
            arg=first,
            timeout=30_000,
        )
        current = shown.inner_text().strip()
        assert current != first
        phone.goto(current)
        assert_accessible(phone)
        with phone.expect_navigation():
            phone.get_by_role("button", name="我已到场").click()
        assert "王阿姨，您已签到" in phone.locator("main").inner_text()
        assert_accessible(phone)
    assert Attendance.objects.get(resident=me).status == "in_person"
