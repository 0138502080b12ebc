"""Every topics page at phone width, in Chinese and English: no horizontal scroll,
and the draft of a topic survives a reload (lost connection)."""

import os

import pytest
from django.utils import timezone

from tests.council.factories import schedule
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import ResidentFactory
from tests.topics.factories import TopicFactory
from topics import services

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("TOPICS_SCREENSHOTS", "")


def fits(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


@pytest.fixture
def story(community, staff_user, social_worker, resident_user):
    meeting = schedule(community, by=staff_user, title="十一月议事会")
    submitter = ResidentFactory(community=community, name="张奶奶", user=None)
    topic = TopicFactory(
        community=community,
        window=meeting.window,
        submitter=submitter,
        title="老年食堂能不能中午多开一个小时" * 2,
        description="很多老人走得慢，" * 30,
        location="村委会一楼老年食堂",
    )
    for _n in range(3):
        services.endorsement_create(
            topic=topic, resident=ResidentFactory(community=community)
        )
    first = services.comment_create(
        topic=topic, author=resident_user, body="支持！" * 40, kind="support"
    )
    services.comment_create(
        topic=topic, author=staff_user, body="会上讨论。", parent=first
    )
    rude = services.comment_create(
        topic=topic, author=resident_user, body="低价装修，电话138"
    )
    services.comment_hide(comment=rude, by=staff_user, reason="与议题无关的广告")
    services.comment_report(comment=first, by=staff_user, reason="测试")
    services.topic_accept(
        topic=topic,
        by=staff_user,
        meeting=meeting.title,
        link=meeting.get_absolute_url(),
    )
    services.preconsultation_record(
        topic=topic,
        by=social_worker,
        consulted_at=timezone.now(),
        position="concerns",
        outside_name="食堂承包方",
        outside_phone="13800001111",
        notes="担心人手不够",
        proposed_direction="先试行一个月",
    )
    TopicFactory(community=community, title="等待下一次征集的议题")
    return {"meeting": meeting, "topic": topic}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_pages_fit_a_phone(community, staff_user, story, new_page, locale):
    if locale == "en":
        staff_user.language = "en"
        staff_user.save(update_fields=["language"])
    page = new_page(locale=locale)
    log_in(page, staff_user)
    topic, meeting = story["topic"], story["meeting"]
    base = f"/c/{community.slug}/topics"
    pages = {
        "list": f"{base}/",
        "detail": topic.get_absolute_url(),
        "record": f"{base}/record/?q=张",
        "record-form": f"{base}/record/{topic.submitter_id}/",
        "reports": f"{base}/reports/",
        "consult": f"{base}/{topic.pk}/consultations/",
        "triage": f"/c/{community.slug}/council/meetings/{meeting.pk}/triage/",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, (name, response.status)
        assert fits(page), name
        assert_accessible(page)
        if SHOTS:
            page.screenshot(
                path=os.path.join(SHOTS, f"{locale}-{name}.png"), full_page=True
            )
    page.goto(topic.get_absolute_url())
    text = page.locator("main").inner_text()
    if locale == "en":
        assert (
            "This comment was hidden by the community staff: 与议题无关的广告" in text
        )
    else:
        assert "这条意见已被社区工作人员隐藏：与议题无关的广告" in text
    assert "低价装修" not in text


def test_draft_survives_a_reload(community, resident_user, new_page):
    page = new_page()
    log_in(page, resident_user)
    page.goto(f"/c/{community.slug}/topics/new/")
    assert_accessible(page)
    page.get_by_label("标题").fill("路灯坏了")
    page.get_by_label("遇到了什么问题？希望怎么解决？").fill("晚上很黑")
    page.get_by_label("安全").check()
    page.wait_for_timeout(500)  # the draft is saved 300 ms after typing stops
    page.reload()
    assert page.get_by_label("标题").input_value() == "路灯坏了"
    assert (
        page.get_by_label("遇到了什么问题？希望怎么解决？").input_value() == "晚上很黑"
    )
    assert page.get_by_label("安全").is_checked()
    assert page.get_by_text("已恢复你上次填写的内容").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="提交议题").click()
    page.wait_for_url("**/?submitted=1")
    assert_accessible(page)
    page.goto(f"/c/{community.slug}/topics/new/")
    assert page.get_by_label("标题").input_value() == ""  # cleared after success
    assert not page.get_by_text("已恢复你上次填写的内容").is_visible()


def test_thirty_megabyte_photo_from_the_browser_gets_a_clear_error(
    community, resident_user, new_page, tmp_path
):
    big = tmp_path / "huge.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024))
    page = new_page()
    log_in(page, resident_user)
    page.goto(f"/c/{community.slug}/topics/new/")
    page.get_by_label("标题").fill("路灯坏了")
    page.get_by_label("遇到了什么问题？希望怎么解决？").fill("晚上很黑")
    page.locator("input[type=file]").set_input_files(str(big))
    response_status = []
    page.on("response", lambda r: response_status.append(r.status))
    page.get_by_role("button", name="提交议题").click()
    page.get_by_text("请检查下面标出的内容").wait_for()
    assert 200 in response_status and 500 not in response_status
    assert page.get_by_text("每张照片不能超过 10.0 MB").first.is_visible()
    assert_accessible(page)
    assert page.get_by_label("标题").input_value() == "路灯坏了"


def test_social_worker_records_a_consultation_on_a_phone(
    community, social_worker, story, new_page
):
    topic = story["topic"]
    page = new_page()
    log_in(page, social_worker)
    page.goto(f"/c/{community.slug}/topics/{topic.pk}/consultations/")
    assert_accessible(page)
    assert page.locator("#div_id_outside_name").is_hidden()
    assert page.locator("#div_id_resident").is_visible()
    page.get_by_label("外部相关方（公司、学校等）").check()
    assert page.locator("#div_id_resident").is_hidden()
    page.get_by_label("外部相关方名称").fill("汀塘物业公司")
    page.get_by_label("对方电话（邀请参会时需要）").fill("13800002222")
    page.get_by_label("反对").check()
    page.get_by_label("记录").fill("担心维修费用")
    page.get_by_role("button", name="保存协商记录").click()
    page.get_by_text("协商记录已保存").wait_for()
    assert page.get_by_text("反对: 1").is_visible()
    assert page.get_by_text("汀塘物业公司").is_visible()
    assert fits(page)
    assert_accessible(page)
