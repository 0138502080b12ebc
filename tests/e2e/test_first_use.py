"""The first ten minutes, in a real browser on a phone: a visitor who is not logged
in, a resident who only uses the keyboard, the error pages, the menu, and staff
pages that have to fit a phone."""

import re

import pytest
from django.urls import reverse

from council import services as council_services
from residents.models import Role
from tests.council.factories import schedule, seat_council
from tests.e2e.conftest import assert_accessible, assert_touch_targets, log_in
from tests.factories import MembershipFactory, ResidentFactory, UserFactory
from tests.topics.factories import TopicFactory
from topics import services as topic_services
from topics.models import Topic

pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = re.compile(r"1[3-9]\d{9}")


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _open_menu(page):
    page.get_by_role("button", name="菜单").click()
    page.locator("#mainnav.collapse.show").wait_for(state="visible")


def _menu_labels(page):
    return [
        text.strip()
        for text in page.locator(
            "#mainnav .navbar-nav.me-auto .nav-link"
        ).all_inner_texts()
    ]


@pytest.fixture
def public_story(community, staff_user):
    meeting = schedule(community, by=staff_user, days=10, title="十二月居民议事会")
    council_services.agenda_item_create(
        meeting=meeting, by=staff_user, title="小区停车难"
    )
    council_services.agenda_publish(meeting=meeting, by=staff_user, confirm=True)
    submitter = ResidentFactory(community=community, name="郑阿婆")
    topic = TopicFactory(
        community=community, submitter=submitter, title="旧村部四楼改成儿童活动中心"
    )
    topic_services.topic_mark_decided(
        topic=topic, by=staff_user, outcome="同意改建，居民众筹图书。"
    )
    return meeting


def test_visitor_sees_the_public_page_without_logging_in_then_logs_in(
    page, community, other_community, public_story, resident_user
):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    page.goto("/")
    assert page.url.endswith("/")  # no longer straight to the login page
    assert page.get_by_role("link", name="登录").first.is_visible()
    assert_accessible(page)
    assert_touch_targets(page)
    assert _fits(page)

    page.get_by_role("link", name="汀塘社区").click()
    page.wait_for_url("**/c/tingtang/public/")
    main = page.locator("main").inner_text()
    assert "十二月居民议事会" in main and "小区停车难" in main
    assert "旧村部四楼改成儿童活动中心" in main and "同意改建" in main
    assert "怎样参与" in main
    assert "郑阿婆" not in main and "王阿姨" not in main
    assert not MOBILE.search(page.content())
    assert_accessible(page)
    assert_touch_targets(page)
    assert _fits(page)
    assert not missing, missing  # favicon.ico included

    # The login is one tap away and comes back to the community.
    page.get_by_role("link", name="登录后参与").click()
    page.wait_for_url("**/accounts/login/?next=*")
    assert_accessible(page)
    page.locator("input[name=username]").fill(resident_user.mobile)
    page.locator("input[name=password]").fill("Yishihui-test-2026")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/c/tingtang/")
    assert_accessible(page)


def test_error_pages_are_in_chinese_and_show_the_way_back(
    new_page, community, other_staff_user, resident_user, settings
):
    settings.ROOT_URLCONF = "tests.config.test_error_pages"

    # Another community's staff member opens a link of 汀塘社区.
    page = new_page()
    log_in(page, other_staff_user)
    response = page.goto(f"/c/{community.slug}/residents/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "您没有权限查看这个页面"
    assert "汀塘社区" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_touch_targets(page)
    page.get_by_role("link", name="查看汀塘社区的公开信息").click()
    page.wait_for_url("**/c/tingtang/public/")
    assert_accessible(page)

    # A resident follows an old link.
    phone = new_page()
    log_in(phone, resident_user)
    response = phone.goto(f"/c/{community.slug}/topics/999999/")
    assert response.status == 404
    assert phone.locator("h1").inner_text() == "找不到这个页面"
    assert_accessible(phone)
    assert_touch_targets(phone)
    with phone.expect_navigation():
        phone.get_by_role("link", name="回到我的社区").click()
    assert phone.url.endswith("/c/tingtang/")

    for path, status, heading in [
        ("/boom/", 500, "系统出了点问题"),
        ("/bad/", 400, "请求有误"),
    ]:
        response = phone.goto(path)
        assert response.status == status
        assert phone.locator("h1").inner_text() == heading
        assert phone.get_by_role("link", name="回到首页").is_visible()
        assert_accessible(phone)
        assert_touch_targets(phone)


def _tab_to(page, name, presses=40):
    """Press Tab until the focused element's accessible text contains `name`."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
            const el = document.activeElement;
            const label = el.labels && el.labels[0] ? el.labels[0].innerText : '';
            return [el.innerText || '', el.getAttribute('aria-label') || '', label,
                    el.value || ''].join(' ');
        }"""
        )
        if name in focused:
            shows_focus = page.evaluate(
                """() => {
                const s = getComputedStyle(document.activeElement);
                return s.outlineStyle !== 'none' || s.boxShadow !== 'none';
            }"""
            )
            assert shows_focus, f"no visible focus on {name!r}"
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_keyboard_only_a_resident_submits_a_topic(
    page, community, staff_user, resident_user
):
    meeting = schedule(community, by=staff_user, days=10, title="十二月居民议事会")
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.keyboard.type(resident_user.mobile)  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type("Yishihui-test-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/c/tingtang/")
    assert_accessible(page)

    _tab_to(page, "提交议题")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    _tab_to(page, "标题")
    page.keyboard.type("三号楼门口路灯坏了")
    _tab_to(page, "遇到了什么问题")
    page.keyboard.type("晚上太黑，老人容易摔倒。")
    # Tab enters the category group at the chosen one; arrows change the choice.
    _tab_to(page, "其他")
    for _ in range(10):
        if page.get_by_label("公共设施与维修").is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert page.get_by_label("公共设施与维修").is_checked()
    _tab_to(page, "提交议题")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/?submitted=1")
    assert page.get_by_role("heading", name="三号楼门口路灯坏了").is_visible()
    assert_accessible(page)
    topic = Topic.objects.get()
    assert topic.window == meeting.window and topic.category == "facilities"


def test_the_phone_menu_is_the_same_on_every_page_and_big_enough(
    page, community, resident_user
):
    log_in(page, resident_user)
    _open_menu(page)
    on_home = _menu_labels(page)
    assert on_home == ["首页", "议题", "会议", "代表与规则", "表决", "议事结果", "组织"]
    assert_accessible(page)  # white on dark blue, with the menu open
    assert_touch_targets(page)

    page.goto("/inbox/")
    _open_menu(page)
    assert _menu_labels(page) == on_home
    assert_accessible(page)
    assert_touch_targets(page)

    page.goto("/accounts/profile/")
    _open_menu(page)
    assert _menu_labels(page) == on_home
    assert_accessible(page)
    assert_touch_targets(page)


def test_council_seats_fold_by_kind_on_a_phone(page, community, staff_user):
    seat_council(community, by=staff_user, per_kind=3, alternates=True)
    log_in(page, staff_user)
    page.goto(f"/c/{community.slug}/council/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollHeight") < 2200
    folds = page.locator("details.seat-kind:not(.change-log)")
    assert folds.count() == 6
    first = folds.first
    assert "3 个席位，已有 3 位代表" in first.locator("summary").inner_text()
    name = first.locator("li .fw-bold").first
    assert not name.is_visible()
    first.locator("summary").click()
    assert name.is_visible()
    assert _fits(page)


def test_superuser_lands_on_every_community(new_page, community, other_community):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    page = new_page()
    log_in(page, admin)
    assert page.locator("h1").inner_text() == "全部社区"
    assert page.get_by_role("link", name="管理后台").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="东峤社区").click()
    assert page.locator("h1").inner_text() == "东峤社区"
    assert_accessible(page)


def test_staff_page_through_the_register_by_number_and_building(
    page, community, staff_user
):
    for n in range(80):
        ResidentFactory(community=community, name=f"余{n:02d}", building="3")
    ResidentFactory(community=community, name="蔡晨", building="5")
    MembershipFactory(
        user=UserFactory(), community=community, role=Role.RESIDENT
    )  # an unrelated login
    log_in(page, staff_user)
    page.goto(reverse("residents:resident_list", args=[community.slug]))
    assert_accessible(page)
    # 蔡 (cai) comes before 余 (yu), whatever their character codes.
    first = page.locator("#main .list-group-item a").first.inner_text()
    assert first == "蔡晨"

    page.get_by_label("跳到第几页").fill("3")
    with page.expect_navigation():
        page.get_by_role("button", name="前往").click()
    assert page.url.endswith("page=3")
    assert page.locator(".pagination [aria-current=page]").inner_text() == "3"
    assert_accessible(page)

    page.get_by_label("楼栋", exact=True).select_option(label="5号楼")
    with page.expect_navigation():
        page.get_by_role("button", name="显示").click()
    assert "找到 1 位居民" in page.locator("#result-count").inner_text()
    assert_accessible(page)
