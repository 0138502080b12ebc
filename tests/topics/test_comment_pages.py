"""A topic page holds the first 20 comments; the rest come a page at a time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.topics.factories import CollectionWindowFactory, TopicFactory
from topics.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(community, resident):
    window = CollectionWindowFactory(community=community, title="11月议事会议")
    return TopicFactory(community=community, submitter=resident, window=window)


@pytest.fixture
def many_comments(topic, resident):
    start = timezone.now() - timedelta(days=1)
    comments = Comment.objects.bulk_create(
        Comment(topic=topic, author_resident=resident, body=f"第{i:02d}条意见")
        for i in range(45)
    )
    for i, comment in enumerate(comments):  # oldest first, in number order
        Comment.objects.filter(pk=comment.pk).update(
            created_at=start + timedelta(minutes=i)
        )
    type(topic).objects.filter(pk=topic.pk).update(comment_count=45)
    return comments


def test_first_page_shows_twenty_and_a_way_to_more(
    topic, many_comments, resident_user, login
):
    page = login(resident_user).get(topic.get_absolute_url()).content.decode()
    assert "第00条意见" in page and "第19条意见" in page
    assert "第20条意见" not in page
    assert f"{topic.get_absolute_url()}?comments_from=20" in page
    assert "45 条意见" in page


def test_next_page_without_javascript_and_with_htmx(
    topic, many_comments, resident_user, login
):
    client = login(resident_user)
    plain = client.get(topic.get_absolute_url(), {"comments_from": 40}).content
    plain = plain.decode()
    assert "第40条意见" in plain and "第44条意见" in plain
    assert "第39条意见" not in plain
    assert "?comments_from=20#comments" in plain  # back to the earlier ones
    fragment = client.get(
        topic.get_absolute_url(), {"comments_from": 20}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment
    assert "第20条意见" in fragment and "第39条意见" in fragment
    assert "comments_from=40" in fragment


def test_a_new_comment_is_shown_on_the_last_page(
    community, topic, many_comments, neighbour_user, login
):
    response = login(neighbour_user).post(
        reverse("topics:comment_create", args=[community.slug, topic.pk]),
        {"body": "我也同意"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "我也同意" in page and "第44条意见" in page
    assert "第00条意见" not in page


def test_comment_links_point_at_each_comment(
    community, topic, many_comments, resident_user, login
):
    page = login(resident_user).get(topic.get_absolute_url()).content.decode()
    first = many_comments[0]
    assert reverse("topics:comment_report", args=[community.slug, first.pk]) in page


def test_a_made_up_start_shows_the_comments_from_there(
    topic, many_comments, resident_user, login
):
    client = login(resident_user)
    client.get(topic.get_absolute_url())  # the first page, kept
    page = client.get(topic.get_absolute_url(), {"comments_from": 7}).content.decode()
    assert "第07条意见" in page and "第26条意见" in page
    assert "第06条意见" not in page and "第27条意见" not in page
    far = client.get(topic.get_absolute_url(), {"comments_from": 999999})
    assert far.status_code == 200 and "第00条意见" not in far.content.decode()
