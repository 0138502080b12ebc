"""A topic's photos and history are kept rendered per community and viewer
(topics.selectors.COMMUNITY_TOPICS): every event of the history is written by a
topics service, which announces it, so an edit, an acceptance onto an agenda or a
vote shows on the next visit.

Each write runs its on-commit callbacks, as a real request's commit does.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from tests.pages import opened
from tests.topics.conftest import make_jpeg
from topics import services

pytestmark = pytest.mark.django_db


def history(user, topic) -> str:
    html = opened(user, topic.get_absolute_url())
    return html[html.index('id="history-heading"') : html.index('id="comments"')]


def test_an_edit_with_a_photo_shows_at_once(
    committed, topic, resident, resident_user, neighbour_user
):
    assert "提交人修改了议题" not in history(neighbour_user, topic)  # kept now
    assert 'class="topic-photo"' not in opened(neighbour_user, topic.get_absolute_url())
    committed(
        services.topic_update,
        topic=topic,
        by=resident_user,
        title=topic.title,
        description=topic.description,
        category=topic.category,
        add_photos=[ContentFile(make_jpeg(size=(40, 30)), name="lamp.jpg")],
    )
    assert "提交人修改了议题" in history(neighbour_user, topic)
    assert 'class="topic-photo"' in opened(neighbour_user, topic.get_absolute_url())


def test_a_vote_noted_by_the_council_shows_at_once(committed, topic, neighbour_user):
    assert "十一月议事会" not in history(neighbour_user, topic)  # kept now
    committed(
        services.topic_record_vote,
        topic=topic,
        result="同意 5 · 反对 1",
        meeting="十一月议事会",
    )
    html = history(neighbour_user, topic)
    assert "表决" in html and "十一月议事会" in html and "同意 5 · 反对 1" in html


def test_a_kept_topic_page_reads_the_topic_and_the_readers_own_support(
    topic, neighbour_user, django_assert_max_num_queries
):
    client = Client()
    client.force_login(neighbour_user)
    client.get(topic.get_absolute_url())
    # The session, the login, the topic, whether they support it.
    with django_assert_max_num_queries(4):
        page = client.get(topic.get_absolute_url())
    assert page.status_code == 200
