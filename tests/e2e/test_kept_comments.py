"""A topic's comments are kept rendered between readers: in a real browser, each
reader still replies with their own token, in their own language, with and
without JavaScript, and everyone sees the reply at once."""

import pytest

from residents.models import Role
from tests.e2e.conftest import PHONE, assert_accessible, log_in
from tests.factories import PASSWORD, MembershipFactory, ResidentFactory, UserFactory
from tests.topics.factories import CollectionWindowFactory, TopicFactory
from topics import services
from topics.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)


def _resident(community, name, language="zh-hans"):
    user = UserFactory(display_name=name, language=language)
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=user, name=name)
    return user


def test_replies_on_a_kept_comment_page(community, browser, live_server, new_page):
    resident = ResidentFactory(community=community, name="提议人")
    window = CollectionWindowFactory(community=community, title="11月议事会议")
    topic = TopicFactory(community=community, submitter=resident, window=window)
    first = _resident(community, "张阿姨")
    services.comment_create(topic=topic, author=first, body="路灯坏了两个月了")

    # The first reader fills the kept page, in Chinese.
    page = new_page()
    log_in(page, first)
    page.goto(topic.get_absolute_url())
    assert page.get_by_text("路灯坏了两个月了").is_visible()
    assert_accessible(page)

    # A second reader, in English, replies with htmx on the kept page.
    english = _resident(community, "Li Wei", language="en")
    other = new_page(locale="en-GB")
    log_in(other, english)
    other.goto(topic.get_absolute_url())
    assert_accessible(other)
    other.locator("summary", has_text="Reply").first.click()
    other.get_by_label("Your reply").first.fill("Same on my floor.")
    other.get_by_role("button", name="Post reply").first.click()
    other.get_by_text("Same on my floor.").wait_for()
    assert_accessible(other)
    assert Comment.objects.filter(body="Same on my floor.", author=english).exists()

    # The first reader sees the reply at once.
    page.reload()
    assert page.get_by_text("Same on my floor.").is_visible()
    assert page.locator("summary", has_text="回复").count() >= 1
    assert_accessible(page)

    # A third reader without JavaScript posts the plain form: its token is theirs.
    third = _resident(community, "王师傅")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    try:
        plain = context.new_page()
        plain.goto("/accounts/login/")
        plain.locator("input[name=username]").fill(third.mobile or third.username)
        plain.locator("input[name=password]").fill(PASSWORD)
        plain.locator("main form button[type=submit]").click()
        plain.wait_for_load_state()
        plain.goto(topic.get_absolute_url())
        plain.locator("details.comment-reply-form").first.evaluate(
            "details => details.open = true"
        )
        plain.locator("textarea[name=body]").first.fill("我也同意")
        plain.locator("details.comment-reply-form button[type=submit]").first.click()
        plain.wait_for_load_state()
        assert "我也同意" in plain.content()  # back on the topic page, not refused
        assert Comment.objects.filter(body="我也同意", author=third).exists()
    finally:
        context.close()
