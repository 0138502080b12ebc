"""A topic's photos and history are kept rendered per community and viewer
(topics.selectors.COMMUNITY_TOPICS): every event of the history is written by a
topics service, which announces it, so an edit, an acceptance onto an agenda or a
vote shows on the next visit.

Each write runs its on-commit callbacks, as a real request's commit does.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client

from core.fragments import KEPT_CSRF_TOKEN
from tests.pages import kept_reads, opened
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
    # The session, the login, the topic with whether they support it.
    with django_assert_max_num_queries(3):
        page = client.get(topic.get_absolute_url())
    assert page.status_code == 200


def endorse_box(user, topic) -> str:
    html = opened(user, topic.get_absolute_url())
    return html[html.index('id="endorse"') : html.index("</article>")]


def test_one_kept_page_shows_each_reader_their_own_support_and_buttons(
    committed, topic, resident_user, neighbour, neighbour_user, staff_user, community
):
    """The topic page is kept per viewer kind; who raised it, who supports it and
    who acts for residents each see their own box and buttons in it."""
    from tests.factories import ResidentFactory
    from tests.voting.factories import with_login

    edit = f"/c/{community.slug}/topics/{topic.pk}/edit/"
    third = with_login(ResidentFactory(community=community))
    assert "点赞 · 0" in endorse_box(neighbour_user, topic)  # kept now
    committed(services.endorsement_create, topic=topic, resident=neighbour)
    mine = endorse_box(neighbour_user, topic)
    assert "你已点赞 · 1" in mine and 'value="withdraw"' in mine
    assert edit not in mine
    others = endorse_box(third, topic)
    assert "点赞 · 1" in others and "你已点赞" not in others
    assert 'value="endorse"' in others and edit not in others
    own = endorse_box(resident_user, topic)
    assert "这是你提出的议题" in own and "<form" not in own.split("</div>")[0]
    assert edit in own
    assert edit in endorse_box(staff_user, topic)
    for html in (mine, others, own):
        assert "<!--mine" not in html and "<!--else" not in html
        assert KEPT_CSRF_TOKEN not in html


def test_the_edit_button_goes_when_the_collection_closes(topic, resident_user, window):
    edit = f"/topics/{topic.pk}/edit/"
    with time_machine.travel(window.closes_at - timedelta(seconds=1), tick=False):
        assert edit in endorse_box(resident_user, topic)
    with time_machine.travel(window.closes_at + timedelta(seconds=1), tick=False):
        assert edit not in endorse_box(resident_user, topic)


def test_every_form_of_a_kept_page_and_htmx_carry_one_token_which_is_accepted(
    topic, neighbour_user
):
    """The CSRF token is masked once per page (core.fragments.own_csrf_token): the
    kept forms, the navbar's and htmx's header carry the same, and it works."""
    import re

    from django.urls import reverse

    client = Client(enforce_csrf_checks=True)
    client.force_login(neighbour_user)
    html = client.get(topic.get_absolute_url()).content.decode()
    in_forms = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    header = re.search(r'"X-CSRFToken": "([^"]+)"', html)[1]
    assert in_forms == {header}
    endorse = reverse("topics:topic_endorse", args=[topic.community.slug, topic.pk])
    answer = client.post(endorse, HTTP_X_CSRFTOKEN=header, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "目前有 1 位居民点赞" in answer.content.decode()


def test_a_kept_topic_page_reads_its_parts_in_one_round_trip(
    committed, topic, resident_user, neighbour_user, monkeypatch
):
    """The topic, its comments with the comment form, and the sections of the apps
    above come from the cache together (topics.views.topic_detail)."""
    committed(services.comment_create, topic=topic, author=resident_user, body="同意")
    html, reads = kept_reads(neighbour_user, topic.get_absolute_url(), monkeypatch)
    assert "同意" in html and 'name="body"' in html and topic.title in html
    assert reads == 1
