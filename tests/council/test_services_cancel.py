"""Cancelling a meeting closes its topic collection and moves its topics on."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from council import services
from notifications.models import Notification
from tests.council.factories import schedule, submit_topic
from topics import selectors as topic_selectors
from topics import services as topic_services
from topics.models import Topic, TopicEventKind, TopicStatus

pytestmark = pytest.mark.django_db


def test_after_cancelling_no_topic_joins_the_cancelled_meeting(
    community, staff_user, seated
):
    meeting = schedule(community, by=staff_user, title="十一月议事会")
    assert topic_selectors.window_accepting(community=community) == meeting.window
    services.meeting_cancel(meeting=meeting, by=staff_user, reason="台风")
    meeting.window.refresh_from_db()
    assert meeting.window.closed_at is not None
    assert topic_selectors.window_accepting(community=community) is None
    late = submit_topic(community, title="取消之后提交")
    assert late.window is None and late.is_waiting


def test_topics_move_to_the_next_meeting_and_submitters_are_told(
    community, staff_user, seated
):
    first = schedule(community, by=staff_user, days=10, title="十一月议事会")
    second = schedule(community, by=staff_user, days=24, title="十二月议事会")
    submitted = submit_topic(community, title="楼道堆物")
    accepted = submit_topic(community, title="加装电梯")
    services.triage_accept(meeting=first, topic=accepted, by=staff_user)
    withdrawn = submit_topic(community, title="已撤回")
    topic_services.topic_withdraw(topic=withdrawn, by=staff_user)
    assert submitted.window == accepted.window == first.window

    services.meeting_cancel(meeting=first, by=staff_user, reason="台风")

    for topic in (submitted, accepted):
        topic.refresh_from_db()
        assert topic.window == second.window
        assert topic.status == TopicStatus.SUBMITTED
        event = topic.events.last()
        assert event.kind == TopicEventKind.MEETING_CANCELLED
        assert event.payload["moved_to"] == "十二月议事会"
        note = Notification.objects.get(
            kind="topics_meeting_cancelled", resident=topic.submitter
        )
        assert "十一月议事会" in note.body and "十二月议事会" in note.body
    withdrawn.refresh_from_db()
    assert withdrawn.window == first.window and withdrawn.status == "withdrawn"
    # A second cancel of the same window moves nothing and tells no one again.
    assert topic_services.collection_window_cancel(window=first.window) == 0
    assert Notification.objects.filter(kind="topics_meeting_cancelled").count() == 2


def test_without_a_next_meeting_topics_wait_and_the_replacement_picks_them_up(
    login, community, staff_user, seated
):
    meeting = schedule(community, by=staff_user, title="十一月议事会")
    topic = submit_topic(community, title="楼道堆物")
    services.meeting_cancel(meeting=meeting, by=staff_user)
    topic.refresh_from_db()
    assert topic.is_waiting and topic.status == TopicStatus.SUBMITTED
    note = Notification.objects.get(kind="topics_meeting_cancelled")
    assert "下一次会议" in note.body
    replacement = schedule(community, by=staff_user, days=14, title="改期后的议事会")
    topic.refresh_from_db()
    assert topic.window == replacement.window
    # Staff see it again, in the replacement's topic review.
    page = login(staff_user).get(
        reverse("council:triage", args=[community.slug, replacement.pk])
    )
    assert "楼道堆物" in page.content.decode()


def test_defer_never_sends_a_topic_into_a_cancelled_meeting(
    community, staff_user, seated
):
    current = schedule(community, by=staff_user, days=10, title="十一月议事会")
    later = schedule(community, by=staff_user, days=24, title="十二月议事会")
    topic = submit_topic(community, title="楼道堆物")
    services.meeting_cancel(meeting=later, by=staff_user)
    with time_machine.travel(current.window.closes_at + timedelta(minutes=1)):
        topic_services.collection_window_close(window=current.window)
        topic.refresh_from_db()
        assert topic.status == TopicStatus.IN_TRIAGE
        deferred = topic_services.topic_defer(topic=topic, by=staff_user)
    assert deferred.window is None and deferred.is_waiting
    assert not Topic.objects.filter(window=later.window).exists()


def test_cancel_page_moves_topics_and_says_so_in_the_topic_history(
    login, community, staff_user, seated
):
    meeting = schedule(community, by=staff_user, title="十一月议事会")
    topic = submit_topic(community, title="楼道堆物")
    client = login(staff_user)
    response = client.post(
        reverse("council:meeting_cancel", args=[community.slug, meeting.pk]),
        {"reason": "台风预警"},
    )
    assert response.status_code == 302
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "“十一月议事会”已取消" in page and "台风预警" in page
