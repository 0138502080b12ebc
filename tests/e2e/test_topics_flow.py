"""A resident submits a topic with a photo on a phone; a neighbour supports and
comments; staff put it on the agenda; the submitter reads the news in the inbox."""

import io
import os

import pytest
from PIL import Image

from residents.models import Resident, Role
from tests.council.factories import schedule
from tests.e2e.conftest import assert_accessible, assert_touch_targets, log_in
from tests.factories import MembershipFactory, ResidentFactory, UserFactory
from topics.models import Topic, TopicStatus

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("TOPICS_SCREENSHOTS", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


@pytest.fixture
def photo_path(tmp_path):
    path = tmp_path / "street-light.jpg"
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (30, 60, 90)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_submit_endorse_triage_and_inbox(
    community, staff_user, resident_user, new_page, photo_path, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = schedule(community, by=staff_user, title="十一月议事会")
    neighbour_user = UserFactory(display_name="李大爷")
    MembershipFactory(user=neighbour_user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=neighbour_user, name="李大爷")

    # 1. The resident submits a topic with a photo, on a phone.
    page = new_page()
    log_in(page, resident_user)
    page.goto(f"/c/{community.slug}/topics/")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    assert_touch_targets(page)
    page.get_by_role("link", name="提交议题").first.click()
    page.wait_for_url("**/topics/new/")
    assert_accessible(page)
    assert_touch_targets(page)
    page.get_by_label("标题").fill("三号楼门口路灯坏了")
    page.get_by_label("遇到了什么问题？希望怎么解决？").fill("晚上太黑，老人容易摔倒。")
    page.get_by_label("公共设施与维修").check()
    page.get_by_label("在社区哪里？（可不填）").fill("3号楼东门")
    page.locator("input[type=file]").set_input_files(str(photo_path))
    # The picker says, in Chinese, which photo was chosen and shows it.
    assert "已选择 1 张照片" in page.locator(".photo-picker-status").inner_text()
    page.locator(".photo-picker-preview img").wait_for()
    assert "street-light.jpg" in page.locator(".photo-picker-preview").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "1-submit")
    page.get_by_role("button", name="提交议题").click()
    page.wait_for_url("**/topics/*/?submitted=1")
    assert page.get_by_role("heading", name="三号楼门口路灯坏了").is_visible()
    assert page.locator("img.topic-photo").count() == 1
    page.locator("img.topic-photo").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const img = document.querySelector('img.topic-photo');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    natural_width = page.locator("img.topic-photo").evaluate("img => img.naturalWidth")
    assert natural_width == 1600  # resized on upload, and served
    topic = Topic.objects.get()
    assert topic.window == meeting.window
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    assert_touch_targets(page)
    # The submitter counts as the first supporter and cannot add a second.
    assert page.get_by_role("button", name="点赞 · 1").count() == 0
    assert "这是你提出的议题，你已算作支持者 · 共 1 人支持" in (
        page.locator("#endorse-box").inner_text()
    )
    shot(page, "2-topic")

    # 2. A neighbour supports it (htmx) and comments.
    neighbour = new_page()
    log_in(neighbour, neighbour_user)
    neighbour.goto(topic.get_absolute_url())
    assert_accessible(neighbour)
    neighbour.get_by_role("button", name="点赞 · 1").click()
    neighbour.get_by_role("button", name="你已点赞 · 2").wait_for()
    neighbour.locator("label", has_text="支持").first.click()
    neighbour.get_by_label("你的意见", exact=True).fill(
        "我家老人晚上也不敢出门，支持！"
    )
    neighbour.get_by_role("button", name="发表意见").click()
    neighbour.get_by_text("我家老人晚上也不敢出门，支持！").wait_for()
    assert neighbour.get_by_role("heading", name="1 条意见").is_visible()
    # the history's counts follow the htmx updates
    assert (
        neighbour.locator("#topic-counts").inner_text()
        == "目前有 2 位居民点赞 · 1 条意见"
    )
    assert_accessible(neighbour)
    shot(neighbour, "3-endorsed")
    topic.refresh_from_db()
    assert topic.endorsement_count == 2 and topic.comment_count == 1

    # 3. Staff put it on the agenda from the meeting's review page.
    staff = new_page()
    log_in(staff, staff_user)
    staff.goto(f"/c/{community.slug}/council/meetings/{meeting.pk}/triage/")
    assert_accessible(staff)
    card = staff.locator(f"#topic-{topic.pk}")
    assert "2 个赞" in card.inner_text()
    shot(staff, "4-triage")
    card.get_by_role("button", name="列入议程").click()
    staff.get_by_text("已列入议程，已通知").wait_for()
    assert no_horizontal_scroll(staff)
    assert_accessible(staff)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.ACCEPTED
    assert meeting.agenda_items.get().topic == topic

    # 4. The submitter sees the change in the inbox and on the topic page.
    page.goto("/inbox/")
    news = page.get_by_text("你的议题“三号楼门口路灯坏了”已列入议程").first
    news.wait_for()
    shot(page, "5-inbox")
    assert_accessible(page)
    assert_touch_targets(page)
    page.goto(topic.get_absolute_url())
    assert_accessible(page)
    assert page.get_by_text("列入议程：").first.is_visible()
    assert page.get_by_role("link", name="十一月议事会").first.is_visible()
    assert Resident.objects.get(user=resident_user).topics.get() == topic
