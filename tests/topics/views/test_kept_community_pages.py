"""The topic list's first pages and the home page's topics section are kept
rendered per community and viewer (topics.selectors.COMMUNITY_TOPICS): each topics
service that changes what they show says so when it commits, so a reader of the
kept page sees the change on the next visit; the countdown and a collection
period's end move on by themselves.

Each write runs its on-commit callbacks, as a real request's commit does. Each
case first opens the page, so it is kept, then writes, then opens it again.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.pages import opened
from tests.topics.factories import CollectionWindowFactory, TopicFactory
from topics import services
from topics.models import Comment, TopicStatus

from .helpers import url

pytestmark = pytest.mark.django_db


def topic_list(user, community):
    return opened(user, url("topic_list", community))


def home(user, community):
    return opened(user, reverse("residents:community_home", args=[community.slug]))


def collection_notice(user, community):
    """The list's notice of the collection period topics go into now."""
    html = topic_list(user, community)
    start = html.index('<div class="alert')
    return html[start : html.index("</div>", start)]


def label(status) -> str:
    with translation.override("zh-hans"):
        return str(TopicStatus(status).label)


def card(html, topic):
    start = html.index(f"/topics/{topic.pk}/")
    return html[html.rindex("<article", 0, start) : html.index("</article>", start)]


@pytest.fixture
def window(community):
    now = timezone.now()
    return CollectionWindowFactory(
        community=community,
        title="十二月议事会",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5, hours=3),
    )


@pytest.fixture
def topic(community, resident, window):
    return TopicFactory(
        community=community, submitter=resident, window=window, title="三号楼路灯"
    )


@pytest.fixture
def in_review(committed, topic, window):
    committed(services.collection_window_close, window=window, early=True)
    topic.refresh_from_db()
    return topic


def submit_parking(committed, community, resident, resident_user):
    return committed(
        services.topic_submit,
        community=community,
        submitter=resident,
        by=resident_user,
        title="停车位不够",
        description="晚上没有地方停车。",
        category="facilities",
        location="",
    )


def test_a_submitted_edited_and_withdrawn_topic_shows_at_once(
    committed, community, resident, resident_user, window
):
    assert "停车位不够" not in topic_list(resident_user, community)
    topic = submit_parking(committed, community, resident, resident_user)
    assert "停车位不够" in topic_list(resident_user, community)
    committed(
        services.topic_update,
        topic=topic,
        by=resident_user,
        title="车位太少",
        description="晚上没有地方停车。",
        category="facilities",
    )
    page = topic_list(resident_user, community)
    assert "车位太少" in page and "停车位不够" not in page
    committed(services.topic_withdraw, topic=topic, by=resident_user)
    assert label("withdrawn") in card(topic_list(resident_user, community), topic)


@pytest.mark.parametrize(
    ("review", "status"),
    [
        (lambda t, by: services.topic_accept(topic=t, by=by), "accepted"),
        (
            lambda t, by: services.topic_decline(topic=t, by=by, reason="重复"),
            "declined",
        ),
        (lambda t, by: services.topic_defer(topic=t, by=by), "deferred"),
        (
            lambda t, by: services.topic_mark_decided(topic=t, by=by, outcome="修好"),
            "decided",
        ),
    ],
)
def test_each_review_decision_shows_at_once(
    committed, community, resident_user, staff_user, in_review, review, status
):
    assert label("in_triage") in card(topic_list(resident_user, community), in_review)
    committed(lambda: review(in_review, staff_user))
    assert label(status) in card(topic_list(resident_user, community), in_review)


def test_a_merge_shows_on_both_topics(
    committed, community, resident, resident_user, staff_user, window, in_review
):
    into = TopicFactory(community=community, window=window, status="in_triage")
    assert label("merged") not in card(topic_list(resident_user, community), in_review)
    committed(services.topic_merge, topic=in_review, into=into, by=staff_user)
    assert label("merged") in card(topic_list(resident_user, community), in_review)


def test_supports_and_comments_show_at_once(
    committed, community, resident_user, topic, neighbour, neighbour_user, staff_user
):
    assert "0 个赞" in card(topic_list(resident_user, community), topic)
    committed(services.endorsement_create, topic=topic, resident=neighbour)
    assert "1 个赞" in card(topic_list(resident_user, community), topic)
    committed(services.endorsement_withdraw, topic=topic, resident=neighbour)
    assert "0 个赞" in card(topic_list(resident_user, community), topic)
    committed(services.comment_create, topic=topic, author=neighbour_user, body="同意")
    assert "1 条意见" in card(topic_list(resident_user, community), topic)
    comment = Comment.objects.get(topic=topic)
    committed(services.comment_hide, comment=comment, by=staff_user, reason="广告")
    assert "0 条意见" in card(topic_list(resident_user, community), topic)


def test_collection_periods_opening_moving_closing_and_cancelled_show_at_once(
    committed, community, resident_user, staff_user
):
    assert "一月议事会" not in home(resident_user, community)
    assert "一月议事会" not in collection_notice(resident_user, community)
    now = timezone.now()
    window = committed(
        services.collection_window_open,
        community=community,
        title="一月议事会",
        opens_at=now,
        closes_at=now + timedelta(days=6),
    )
    assert "一月议事会" in home(resident_user, community)
    assert "一月议事会" in collection_notice(resident_user, community)
    committed(
        services.collection_window_move,
        window=window,
        title="一月例会",
        opens_at=window.opens_at,
        closes_at=window.closes_at,
    )
    assert "一月例会" in home(resident_user, community)
    assert "一月例会" in collection_notice(resident_user, community)
    committed(services.collection_window_close, window=window, early=True)
    assert "一月例会" not in home(resident_user, community)
    assert "一月例会" not in collection_notice(resident_user, community)
    other = committed(
        services.collection_window_open,
        community=community,
        title="二月议事会",
        opens_at=now,
        closes_at=now + timedelta(days=6),
    )
    assert "二月议事会" in home(resident_user, community)
    committed(services.collection_window_cancel, window=other, by=staff_user)
    assert "二月议事会" not in home(resident_user, community)
    assert "二月议事会" not in collection_notice(resident_user, community)


def test_the_home_section_counts_topics_as_they_come(
    committed, community, resident, resident_user, window
):
    assert "已提交 0 个议题" in home(resident_user, community)
    submit_parking(committed, community, resident, resident_user)
    assert "已提交 1 个议题" in home(resident_user, community)


def test_the_countdown_and_the_deadline_move_on_without_any_write(
    community, resident_user, window
):
    # Minutes apart, well within what the cache keeps the pages for.
    start = window.closes_at - timedelta(days=5, minutes=2)
    with time_machine.travel(start, tick=False):
        assert "还剩 5 天" in home(resident_user, community)
        assert "还剩 5 天" in collection_notice(resident_user, community)
    with time_machine.travel(start + timedelta(minutes=2, seconds=1), tick=False):
        assert "还剩 4 天" in home(resident_user, community)
        assert "还剩 4 天" in collection_notice(resident_user, community)
    start = window.closes_at - timedelta(minutes=3)
    with time_machine.travel(start, tick=False):
        assert "还剩 3 分钟" in home(resident_user, community)
        assert "十二月议事会" in collection_notice(resident_user, community)
    with time_machine.travel(start + timedelta(minutes=3, seconds=1), tick=False):
        assert "十二月议事会" not in home(resident_user, community)
        assert "十二月议事会" not in collection_notice(resident_user, community)


def test_each_viewer_gets_their_own_roles_buttons(
    community, resident_user, staff_user, district_officer, window
):
    assert "代居民登记议题" not in topic_list(resident_user, community)
    assert "代居民登记议题" in topic_list(staff_user, community)
    assert "代居民登记议题" in home(staff_user, community)
    assert "提交议题" not in home(district_officer, community)
    assert "提交议题" in home(resident_user, community)


def test_odd_page_numbers_and_parameters_never_reach_another_readers_page(
    community, resident_user, window, settings
):
    settings.PAGE_SIZE = 2
    for n in range(5):
        TopicFactory(community=community, window=window, title=f"议题第{n}号")
    client = Client()
    client.force_login(resident_user)
    last = client.get(url("topic_list", community), {"page": "0", "utm": "x<y"})
    assert "议题第4号" in last.content.decode()  # ?page=0 is the first page
    # What the next reader of page 1 gets (the same viewer, so the same kept page).
    shown = topic_list(resident_user, community)
    assert "议题第4号" in shown and "议题第0号" not in shown
    assert "utm" not in shown and "page=2" in shown
