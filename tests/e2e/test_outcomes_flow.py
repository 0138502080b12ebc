"""On a phone: a social worker records an outcome with a pledge need and two action
items; a resident pledges; the owner posts progress with a photo and marks it done;
the resident who submitted the topic rates it; logged out, the public outcomes
page tells the story with no one's name."""

import io
import os

import pytest
from PIL import Image

from outcomes.models import Outcome, OutcomeStatus, SatisfactionRating
from residents.models import Resident, Role
from tests.council.factories import in_progress, schedule
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import MembershipFactory, ResidentFactory, UserFactory
from tests.topics.factories import TopicFactory
from topics.models import TopicStatus

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("OUTCOMES_SCREENSHOTS", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def resident_with_login(community, name):
    user = UserFactory(display_name=name)
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=user, name=name, mobile=user.mobile)
    return user


@pytest.fixture
def photo_path(tmp_path):
    path = tmp_path / "shelves.jpg"
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), (120, 80, 40)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_outcome_pledge_progress_rating_and_the_public_story(
    community,
    staff_user,
    social_worker,
    resident_user,
    new_page,
    photo_path,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    submitter = Resident.objects.get(community=community, user=resident_user)
    topic = TopicFactory(
        community=community,
        submitter=submitter,
        title="旧村部四楼改成儿童活动中心",
        status=TopicStatus.ACCEPTED,
    )
    from council import services as council_services

    meeting = schedule(community, by=staff_user, title="十月居民议事会")
    item = council_services.agenda_item_create(
        meeting=meeting, by=staff_user, topic=topic
    )
    in_progress(meeting, by=staff_user, items=0)
    owner_user = resident_with_login(community, "李大爷")
    owner = Resident.objects.get(community=community, user=owner_user)
    donor_user = resident_with_login(community, "张阿姨")

    # 1. The social worker records the outcome from the agenda item, on a phone.
    page = new_page()
    log_in(page, social_worker)
    page.goto(item.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="记录议事结果").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("决定内容（文字）").fill(
        "同意把四楼改建为儿童活动中心，图书由村民众筹。"
    )
    page.get_by_label("不同意见（可不填）").fill("担心楼梯安全。")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="记录议事结果").click()
    page.wait_for_url("**/outcomes/*/")
    outcome = Outcome.objects.get(agenda_item=item)
    assert page.get_by_role("heading", name="旧村部四楼改成儿童活动中心").is_visible()
    assert_accessible(page)

    # A pledge need: 300 children's books.
    page.locator("summary", has_text="添加所需资源").click()
    need_form = page.locator("form[action$='/needs/add/']")
    need_form.get_by_label("需要什么").fill("儿童图书")
    need_form.get_by_label("数量").fill("300")
    need_form.get_by_label("单位").fill("本")
    need_form.get_by_role("button", name="添加需求").click()
    page.wait_for_url("**/outcomes/*/#pledges")
    assert page.get_by_text("儿童图书: 300 本").is_visible()

    # Two action items, both owned by 李大爷.
    for description in ("清理四楼", "安装书架"):
        page.locator("summary", has_text="添加落实事项").click()
        form = page.locator("form[action$='/actions/add/']")
        form.get_by_label("要做的事").fill(description)
        form.get_by_label("完成期限").fill("2099-12-31")
        form.get_by_label("一位居民").check()
        form.locator("input[name=owner_person]").fill(owner.mobile)
        form.get_by_role("button", name="添加落实事项").click()
        page.wait_for_url("**/outcomes/*/#actions")
    assert outcome.action_items.count() == 2
    assert no_horizontal_scroll(page)
    shot(page, "1-recorded")

    # 2. A resident pledges 20 books from the outcome page.
    donor = new_page()
    log_in(donor, donor_user)
    donor.goto(outcome.get_absolute_url())
    donor.get_by_label("您愿意认捐多少？（本）").fill("20")
    donor.get_by_role("button", name="我要认捐").click()
    donor.wait_for_url("**/outcomes/*/#pledges")
    assert donor.get_by_text("已认捐 20").is_visible()
    assert donor.get_by_text("您: 20 本").is_visible()
    assert_accessible(donor)

    # 3. The owner posts progress with a photo and marks the first item done.
    owner_page = new_page()
    log_in(owner_page, owner_user)
    owner_page.goto(outcome.get_absolute_url())
    owner_page.get_by_role("link", name="更新进展").first.click()
    owner_page.wait_for_load_state()
    assert_accessible(owner_page)
    owner_page.get_by_label("做了哪些工作？").fill("四楼已清理干净，消防检查合格。")
    owner_page.get_by_label("已完成").check()
    owner_page.locator("input[type=file]").set_input_files(str(photo_path))
    assert no_horizontal_scroll(owner_page)
    owner_page.get_by_role("button", name="发布进展").click()
    owner_page.wait_for_url("**/outcomes/*/#action-*")
    photo = owner_page.locator("img.update-photo").first
    photo.scroll_into_view_if_needed()
    owner_page.wait_for_function(
        "() => { const img = document.querySelector('img.update-photo');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    assert_accessible(owner_page)
    owner_page.get_by_role("link", name="更新进展").last.click()
    owner_page.wait_for_load_state()
    assert_accessible(owner_page)
    owner_page.get_by_label("做了哪些工作？").fill("书架已装好。")
    owner_page.get_by_label("已完成").check()
    owner_page.get_by_role("button", name="发布进展").click()
    owner_page.wait_for_url("**/outcomes/*/#action-*")
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.IMPLEMENTED
    shot(owner_page, "2-done")

    # 4. The resident who submitted the topic rates it.
    rater = new_page()
    log_in(rater, resident_user)
    rater.goto(outcome.get_absolute_url() + "#rate")
    rater.get_by_label("5 — 非常满意").check()
    rater.get_by_label("意见（可不填）").fill("孩子们放学有地方去了。")
    rater.get_by_role("button", name="提交评价").click()
    rater.wait_for_url("**/outcomes/*/#rate")
    assert rater.get_by_text("谢谢您的评价。").is_visible()
    assert SatisfactionRating.objects.get(outcome=outcome).score == 5
    assert_accessible(rater)

    # 5. Logged out: the public outcomes page shows the story, no one's name.
    public = new_page()
    public.goto(f"/c/{community.slug}/outcomes/?status=implemented")
    assert_accessible(public)
    assert no_horizontal_scroll(public)
    public.get_by_role("link", name="旧村部四楼改成儿童活动中心").click()
    public.wait_for_url(f"**{outcome.get_absolute_url()}")
    body = public.locator("main").inner_text()
    for told in (
        "旧村部四楼改成儿童活动中心",
        "十月居民议事会",
        "同意把四楼改建为儿童活动中心",
        "儿童图书: 300 本",
        "四楼已清理干净",
        "2 项落实事项已完成 2 项",
        "5.0 / 5（1 人评价）",
    ):
        assert told in body, told
    for name in ("王阿姨", "李大爷", "张阿姨", "陈社工"):
        assert name not in body, name
    assert public.locator("img.update-photo").count() == 1
    assert_accessible(public)
    assert no_horizontal_scroll(public)
    shot(public, "3-public")
