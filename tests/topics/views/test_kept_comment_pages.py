"""A topic's page of comments is kept rendered between requests (topics.selectors.
COMMENT_PAGES): every reader still sees what is true now, in their language, with
their own buttons and their own CSRF token.

The services announce a change when their transaction commits, so each write here
runs its on-commit callbacks, as a real request's commit does.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import CommunityFactory
from tests.topics.factories import TopicFactory
from topics import services

from .helpers import url

pytestmark = pytest.mark.django_db


def page_of(user, topic, language=None):
    client = Client()
    client.force_login(user)
    if language:  # the visitor's own choice, over their account's language
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(topic.get_absolute_url()).content.decode()


def test_new_and_hidden_comments_show_at_once_to_a_reader_of_the_kept_page(
    topic, neighbour_user, resident_user, staff_user, committed
):
    committed(
        services.comment_create, topic=topic, author=neighbour_user, body="第一条"
    )
    assert "第一条" in page_of(resident_user, topic)  # now kept
    second = committed(
        services.comment_create, topic=topic, author=neighbour_user, body="低价装修广告"
    )
    assert "低价装修广告" in page_of(resident_user, topic)
    committed(services.comment_hide, comment=second, by=staff_user, reason="广告")
    page = page_of(resident_user, topic)
    assert "低价装修广告" not in page and "社区工作人员隐藏" in page
    assert "第一条" in page


def test_staff_buttons_and_report_counts_never_reach_residents(
    topic, neighbour_user, resident_user, staff_user, committed
):
    comment = committed(
        services.comment_create, topic=topic, author=neighbour_user, body="有人举报我"
    )
    assert "次举报" not in page_of(staff_user, topic)  # kept, before any report
    committed(services.comment_report, comment=comment, by=resident_user, reason="x")
    staff_page = page_of(staff_user, topic)
    hide = url("comment_hide", topic.community, pk=comment.pk)
    assert hide in staff_page and "1 次举报" in staff_page
    resident_page = page_of(resident_user, topic)
    assert "有人举报我" in resident_page
    assert hide not in resident_page and "举报</span>" not in resident_page
    # Staff see the report resolved at once.
    report = comment.reports.get()
    committed(services.comment_report_resolve, report=report, by=staff_user)
    assert "1 次举报" not in page_of(staff_user, topic)


def test_each_reader_gets_their_own_csrf_token_and_language(
    topic, neighbour_user, resident_user, committed
):
    committed(services.comment_create, topic=topic, author=neighbour_user, body="路灯")
    page_of(neighbour_user, topic)  # kept, with the neighbour's reply forms
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident_user)
    page = client.get(topic.get_absolute_url()).content.decode()
    token = re.search(
        r'<input type="hidden" name="parent" value="(\d+)">', page
    ) and re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token and "kept-csrf-token-placeholder" not in page
    comment = topic.comments.get()
    with_token = {
        "body": "同意",
        "parent": comment.pk,
        "csrfmiddlewaretoken": token[-1],
    }
    response = client.post(
        url("comment_create", topic.community, pk=topic.pk), with_token
    )
    assert response.status_code == 302  # accepted: the token is this reader's
    english = page_of(resident_user, topic, language="en")
    assert "Reply" in english and "回复" not in english.split('id="comments"')[1]


def test_a_merge_moves_the_comments_to_the_other_page_at_once(
    community, topic, resident, neighbour_user, resident_user, staff_user, committed
):
    into = TopicFactory(community=community, submitter=resident, window=topic.window)
    committed(
        services.comment_create, topic=topic, author=neighbour_user, body="搬家的意见"
    )
    assert "搬家的意见" not in page_of(resident_user, into)  # kept, empty
    committed(services.topic_merge, topic=topic, into=into, by=staff_user)
    assert "搬家的意见" in page_of(resident_user, into)


def test_a_topic_of_another_community_shares_nothing(
    topic, neighbour_user, committed, other_staff_user
):
    committed(
        services.comment_create, topic=topic, author=neighbour_user, body="本社区的"
    )
    other = TopicFactory(community=CommunityFactory())
    client = Client()
    client.force_login(other_staff_user)
    assert client.get(topic.get_absolute_url()).status_code == 403
    assert "本社区的" not in client.get(other.get_absolute_url()).content.decode()
