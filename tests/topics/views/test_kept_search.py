"""A search asked again and again (路灯 while the lights are out) has its first page
kept with the topic list's (topics.selectors.COMMUNITY_TOPICS), from the third time
within ten minutes: a topic submitted through the service shows in it at once; a
word searched once is read each time, so no one fills the cache with what they type.

Each write runs its on-commit callbacks, as a real request's commit does.
"""

from urllib.parse import quote

import pytest

from tests.pages import kept_served, opened
from tests.topics.factories import TopicFactory
from topics import services
from topics.views import KEEP_SEARCH_FROM

from .helpers import url

pytestmark = pytest.mark.django_db


def search(user, community, words):
    return opened(user, url("topic_list", community) + "?q=" + quote(words))


def test_a_search_asked_again_is_kept_and_shows_a_new_topic_at_once(
    committed, community, resident, resident_user
):
    TopicFactory(community=community, title="三号楼路灯坏了")
    for _ in range(KEEP_SEARCH_FROM):
        assert "三号楼路灯坏了" in search(resident_user, community, "路灯")
    # Kept now: a topic no service announced is not in it yet
    TopicFactory(community=community, title="五号楼路灯不亮")
    assert "五号楼路灯不亮" not in search(resident_user, community, "路灯")

    committed(
        services.topic_submit,
        community=community,
        submitter=resident,
        by=resident_user,
        title="小区门口路灯太暗",
        description="晚上看不清路。",
        category="facilities",
        location="",
    )
    html = search(resident_user, community, "路灯")
    assert "小区门口路灯太暗" in html and "五号楼路灯不亮" in html


def test_a_word_searched_fewer_times_is_read_each_time(community, resident_user):
    for n in range(KEEP_SEARCH_FROM - 1):
        TopicFactory(community=community, title=f"停车难第{n}号", description="")
        assert f"停车难第{n}号" in search(resident_user, community, "停车")


def test_each_search_is_kept_apart(community, resident_user):
    TopicFactory(community=community, title="三号楼路灯坏了")
    TopicFactory(community=community, title="停车位不够", description="晚上没处停车。")
    for _ in range(KEEP_SEARCH_FROM):
        search(resident_user, community, "路灯")
        search(resident_user, community, "停车")
    lights = search(resident_user, community, "路灯")
    parking = search(resident_user, community, "停车")
    assert "三号楼路灯坏了" in lights and "停车位不够" not in lights
    assert "停车位不够" in parking and "三号楼路灯坏了" not in parking


def test_a_kept_search_costs_the_login_query_alone(
    community, resident_user, django_assert_max_num_queries
):
    TopicFactory.create_batch(30, community=community, title="路灯坏了")
    page = url("topic_list", community) + "?q=" + quote("路灯")
    html = kept_served(
        resident_user, page, django_assert_max_num_queries, opens=KEEP_SEARCH_FROM
    )
    assert html.count("路灯坏了") >= 20
