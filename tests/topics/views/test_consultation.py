"""Pre-consultation pages for social workers."""

import pytest

from tests.factories import ResidentFactory
from topics import services

from .helpers import url

pytestmark = pytest.mark.django_db


def test_consultation_page_for_social_worker(
    community, topic, staff_user, social_worker, neighbour, login, resident_user
):
    services.topic_accept(topic=topic, by=staff_user)
    client = login(social_worker)
    response = client.post(
        url("consultation_create", community, pk=topic.pk),
        {
            "stakeholder_kind": "resident",
            "resident": f"{neighbour.name} {neighbour.mobile}",
            "consulted_at": "2026-11-20T10:00",
            "position": "concerns",
            "notes": "担心噪音",
            "proposed_direction": "白天施工",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "担心噪音" in page and "有顾虑: 1" in page
    client.force_login(resident_user)
    assert (
        client.get(url("consultation_create", community, pk=topic.pk)).status_code
        == 403
    )


def test_consultation_form_needs_the_chosen_stakeholder(
    community, topic, staff_user, social_worker, login
):
    services.topic_accept(topic=topic, by=staff_user)
    response = login(social_worker).post(
        url("consultation_create", community, pk=topic.pk),
        {
            "stakeholder_kind": "outside",
            "consulted_at": "2026-11-20T10:00",
            "position": "supports",
        },
    )
    assert response.status_code == 200
    assert "写下外部相关方的名称" in response.content.decode()


def test_consultation_finds_the_resident_by_name_or_asks_for_the_mobile(
    community, topic, staff_user, social_worker, login
):
    services.topic_accept(topic=topic, by=staff_user)
    client = login(social_worker)
    data = {
        "stakeholder_kind": "resident",
        "consulted_at": "2026-11-20T10:00",
        "position": "supports",
    }
    ResidentFactory(community=community, name="林秀英", building="3")
    ResidentFactory(community=community, name="林秀英", building="8")
    unique = ResidentFactory(community=community, name="陈建国")
    response = client.post(
        url("consultation_create", community, pk=topic.pk),
        {**data, "resident": "林秀英"},
    )
    # A social worker sees masked numbers: the name and the number, then.
    assert "请在姓名后加上其手机号" in response.content.decode()
    response = client.post(
        url("consultation_create", community, pk=topic.pk),
        {**data, "resident": "无此人"},
    )
    assert "本社区没有名为或手机号为 无此人 的居民" in response.content.decode()
    response = client.post(
        url("consultation_create", community, pk=topic.pk),
        {**data, "resident": "陈建国"},
    )
    assert response.status_code == 302
    assert topic.consultations.get().resident == unique
