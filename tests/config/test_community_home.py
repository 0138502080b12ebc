"""The community home page tells each person what is happening now."""

import pytest
from django.urls import reverse

from tests.council.factories import schedule

pytestmark = pytest.mark.django_db


def _home(client, community):
    return client.get(reverse("residents:community_home", args=[community.slug]))


def test_resident_sees_open_collection_with_submit_button_and_next_meeting(
    community, staff_user, resident_user, login
):
    meeting = schedule(community, by=staff_user, days=10, title="十二月居民议事会")
    html = _home(login(resident_user), community).content.decode()
    assert "正在征集议题" in html and "十二月居民议事会" in html
    assert reverse("topics:topic_submit", args=[community.slug]) in html
    assert "下一次议事会议" in html and meeting.get_absolute_url() in html


def test_without_a_meeting_the_page_says_topics_wait_for_the_next_one(
    community, resident_user, login
):
    html = _home(login(resident_user), community).content.decode()
    assert "现在没有会议在征集议题" in html
    assert "还没有安排会议" in html


def test_district_officer_sees_the_meeting_but_no_submit_button(
    community, staff_user, district_officer, login
):
    schedule(community, by=staff_user, days=10, title="十二月居民议事会")
    html = _home(login(district_officer), community).content.decode()
    assert "十二月居民议事会" in html
    assert reverse("topics:topic_submit", args=[community.slug]) not in html


@pytest.mark.parametrize("meetings", [1, 12])
def test_home_page_queries_do_not_grow_with_meetings(
    community, staff_user, resident_user, login, meetings, django_assert_max_num_queries
):
    for n in range(meetings):
        schedule(community, by=staff_user, days=10 + n, title=f"会议{n}")
    client = login(resident_user)
    with django_assert_max_num_queries(18):
        assert _home(client, community).status_code == 200
