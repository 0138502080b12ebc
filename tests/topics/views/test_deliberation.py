"""Deliberation on a topic: endorsements, comments, hiding, photos, history."""

import pytest

from tests.topics.conftest import make_jpeg
from topics import services
from topics.models import Comment, Endorsement, TopicPhoto

from .helpers import url

pytestmark = pytest.mark.django_db


def test_endorse_with_htmx_returns_the_button_with_the_new_count(
    community, topic, neighbour_user, login
):
    client = login(neighbour_user)
    response = client.post(
        url("topic_endorse", community, pk=topic.pk),
        {"action": "endorse"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "你已点赞" in page and "· 1" in page and "<html" not in page
    response = client.post(
        url("topic_endorse", community, pk=topic.pk),
        {"action": "withdraw"},
        HTTP_HX_REQUEST="true",
    )
    assert "· 0" in response.content.decode()
    assert not Endorsement.objects.exists()


def test_endorse_without_javascript_redirects_back(
    community, topic, neighbour_user, login
):
    response = login(neighbour_user).post(
        url("topic_endorse", community, pk=topic.pk), {"action": "endorse"}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.endorsement_count == 1


def test_staff_without_resident_record_cannot_endorse(
    community, topic, staff_user, login
):
    response = login(staff_user).post(url("topic_endorse", community, pk=topic.pk))
    assert response.status_code == 403


def test_comment_and_reply_with_htmx(community, topic, neighbour_user, login):
    client = login(neighbour_user)
    response = client.post(
        url("comment_create", community, pk=topic.pk),
        {"body": "建议换成太阳能路灯", "kind": "suggestion"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "建议换成太阳能路灯" in page and "建议" in page and "1 条意见" in page
    first = Comment.objects.get()
    client.post(
        url("comment_create", community, pk=topic.pk),
        {"body": "同意楼上", "parent": first.pk},
    )
    assert Comment.objects.get(body="同意楼上").parent == first


def test_empty_comment_shows_error(community, topic, neighbour_user, login):
    response = login(neighbour_user).post(
        url("comment_create", community, pk=topic.pk),
        {"body": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "必填" in response.content.decode()
    assert not Comment.objects.exists()


def test_hidden_comment_shows_reason_in_its_place(
    community, topic, neighbour_user, resident_user, staff_user, login, client
):
    comment = services.comment_create(
        topic=topic, author=neighbour_user, body="广告：低价装修"
    )
    client.force_login(resident_user)
    client.post(url("comment_report", community, pk=comment.pk), {"reason": "广告"})
    client.force_login(staff_user)
    reports = client.get(url("report_list", community)).content.decode()
    assert "广告：低价装修" in reports
    response = client.post(
        url("comment_hide", community, pk=comment.pk), {"reason": "与议题无关的广告"}
    )
    assert response.status_code == 302
    client.force_login(resident_user)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "与议题无关的广告" in page
    assert "低价装修" not in page
    assert "社区工作人员隐藏" in page


def test_resident_cannot_hide_comments(
    community, topic, neighbour_user, resident_user, login
):
    comment = services.comment_create(topic=topic, author=neighbour_user, body="x")
    response = login(resident_user).post(
        url("comment_hide", community, pk=comment.pk), {"reason": "不喜欢"}
    )
    assert response.status_code == 403


def test_staff_of_another_community_cannot_hide(
    community, topic, neighbour_user, other_staff_user, login
):
    comment = services.comment_create(topic=topic, author=neighbour_user, body="x")
    response = login(other_staff_user).post(
        url("comment_hide", community, pk=comment.pk), {"reason": "x"}
    )
    assert response.status_code == 403


def test_photo_of_another_community_is_not_served(
    community, other_community, topic, other_staff_user, login
):
    from django.core.files.base import ContentFile

    photo = TopicPhoto.objects.create(
        topic=topic, image=ContentFile(make_jpeg(size=(20, 20)), name="a.jpg")
    )
    client = login(other_staff_user)
    assert client.get(url("photo", other_community, pk=photo.pk)).status_code == 404
    assert client.get(url("photo", community, pk=photo.pk)).status_code == 403


def test_detail_page_queries_do_not_grow_with_comments(
    community,
    topic,
    neighbour_user,
    resident_user,
    login,
    django_assert_max_num_queries,
):
    client = login(resident_user)
    services.comment_create(topic=topic, author=neighbour_user, body="1")
    with django_assert_max_num_queries(30) as few:
        client.get(topic.get_absolute_url())
    for i in range(20):
        parent = services.comment_create(
            topic=topic, author=neighbour_user, body=f"c{i}"
        )
        services.comment_create(
            topic=topic, author=resident_user, body="r", parent=parent
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(topic.get_absolute_url())


def test_history_tells_the_story(community, topic, staff_user, resident_user, login):
    services.topic_accept(
        topic=topic, by=staff_user, meeting="11月议事会议", link="/c/tingtang/council/"
    )
    page = login(resident_user).get(topic.get_absolute_url()).content.decode()
    assert "列入议程" in page and "11月议事会议" in page


def test_comment_with_a_bad_parent_is_a_form_error(
    community, topic, neighbour_user, login
):
    response = login(neighbour_user).post(
        url("comment_create", community, pk=topic.pk),
        {"body": "楼上说得对", "parent": "abc"},
    )
    assert response.status_code == 400
    assert ">楼上说得对</textarea>" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_refused_without_htmx_keeps_what_was_typed(
    community, topic, neighbour_user, login
):
    """Without JavaScript the page comes back with the error beside the text."""
    typed = "路灯" * 1001  # over the 2,000 characters a comment may have
    response = login(neighbour_user).post(
        url("comment_create", community, pk=topic.pk), {"body": typed}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f">{typed}</textarea>" in page
    assert 'class="invalid-feedback d-block"' in page and "2000" in page
    assert topic.title in page
    assert not Comment.objects.exists()
