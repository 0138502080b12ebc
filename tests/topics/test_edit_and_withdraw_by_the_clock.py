"""Editing ends when collection closes and withdrawing when the meeting starts, by
the clock: a close task that runs late changes nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from topics import services
from topics.models import Topic, TopicStatus

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEADLINE = datetime(2026, 11, 22, 14, 30, tzinfo=SHANGHAI)
STARTS = DEADLINE + timedelta(days=7)
SECOND = timedelta(seconds=1)


@pytest.fixture
def topic(community, resident):
    with time_machine.travel(DEADLINE - timedelta(days=3), tick=False):
        services.collection_window_open(
            community=community,
            title="11月议事会议",
            opens_at=DEADLINE - timedelta(days=14),
            closes_at=DEADLINE,
            meeting_starts_at=STARTS,
        )
        return services.topic_submit(
            community=community,
            submitter=resident,
            by=resident.user,
            title="修三号楼路灯",
            description="路灯坏了，晚上太黑。",
            category="facilities",
        )


def edit(topic, user, title):
    return services.topic_update(
        topic=topic,
        by=user,
        title=title,
        description=topic.description,
        category=topic.category,
    )


def test_edit_one_second_before_the_deadline_is_kept(topic, resident):
    with time_machine.travel(DEADLINE - SECOND, tick=False):
        edit(topic, resident.user, "修三号楼和四号楼路灯")
    assert Topic.objects.get(pk=topic.pk).title == "修三号楼和四号楼路灯"


def test_edit_one_second_after_the_deadline_is_refused_before_the_close_task(
    topic, resident
):
    with time_machine.travel(DEADLINE + SECOND, tick=False):
        topic.refresh_from_db()
        assert topic.status == TopicStatus.SUBMITTED  # the task has not run
        assert not topic.is_editable
        with pytest.raises(ValidationError, match="议题征集已于 .* 截止"):
            edit(topic, resident.user, "改了")
    assert Topic.objects.get(pk=topic.pk).title == "修三号楼路灯"


def test_pages_follow_the_clock_for_edit(community, topic, resident_user, login):
    client = login(resident_user)
    detail = topic.get_absolute_url()
    edit_url = reverse("topics:topic_edit", args=[community.slug, topic.pk])
    with time_machine.travel(DEADLINE - SECOND, tick=False):
        assert edit_url in client.get(detail).content.decode()
        assert client.get(edit_url).status_code == 200
    with time_machine.travel(DEADLINE + SECOND, tick=False):
        assert edit_url not in client.get(detail).content.decode()
        response = client.get(edit_url, follow=True)
        assert "议题征集已于" in response.content.decode()
        response = client.post(
            edit_url,
            {"title": "改了", "description": "x", "category": "facilities"},
        )
        assert response.status_code == 200
        assert "议题征集已于" in response.content.decode()
    assert Topic.objects.get(pk=topic.pk).title == "修三号楼路灯"


def test_withdraw_one_second_either_side_of_the_meeting_start(
    community, topic, resident_user, login
):
    client = login(resident_user)
    withdraw_url = reverse("topics:topic_withdraw", args=[community.slug, topic.pk])
    # The clock forward, as it goes: the page kept before the start says so after.
    with time_machine.travel(STARTS - SECOND, tick=False):
        assert withdraw_url in client.get(topic.get_absolute_url()).content.decode()
    with time_machine.travel(STARTS + SECOND, tick=False):
        assert withdraw_url not in client.get(topic.get_absolute_url()).content.decode()
        client.post(withdraw_url, {"reason": ""})
        assert Topic.objects.get(pk=topic.pk).status != TopicStatus.WITHDRAWN
    with time_machine.travel(STARTS - SECOND, tick=False):
        client.post(withdraw_url, {"reason": "已经修好了"})
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.WITHDRAWN
