"""Publishing the agenda closes collection; opening early asks first and moves the start."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.display import format_when
from council import services
from council.models import MeetingStatus
from council.selectors import meeting_timeline
from tests.council.factories import publish, schedule, submit_topic
from topics import selectors as topic_selectors

pytestmark = pytest.mark.django_db


def test_publishing_while_collecting_asks_first_then_closes_collection(
    community, staff_user, seated
):
    meeting = schedule(community, by=staff_user, days=12)
    services.agenda_item_create(meeting=meeting, by=staff_user, title="停车")
    with pytest.raises(ValidationError) as exc:
        services.agenda_publish(meeting=meeting, by=staff_user)
    assert exc.value.code == services.NEEDS_CONFIRMATION
    assert "结束征集" in exc.value.message
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.COLLECTING and meeting.collection_open()

    meeting = services.agenda_publish(meeting=meeting, by=staff_user, confirm=True)
    assert meeting.window.closed_at is not None
    assert not meeting.collection_open()
    assert topic_selectors.window_accepting(community=community) is None
    late = submit_topic(community, title="发布后提交")
    assert late.window is None and late.is_waiting


def test_publishing_after_the_deadline_needs_no_confirmation(
    community, staff_user, seated
):
    meeting = schedule(community, by=staff_user, days=12)
    services.agenda_item_create(meeting=meeting, by=staff_user, title="停车")
    with time_machine.travel(meeting.window.closes_at + timedelta(seconds=1)):
        # The close task has not run yet; publishing closes collection itself.
        meeting = services.agenda_publish(meeting=meeting, by=staff_user)
    assert meeting.status == MeetingStatus.AGENDA_PUBLISHED
    assert meeting.window.closed_at is not None


def test_opening_before_its_day_asks_first_naming_the_date_and_moves_the_start(
    community, staff_user, seated
):
    meeting = publish(schedule(community, by=staff_user, days=12), by=staff_user)
    scheduled = meeting.starts_at
    with pytest.raises(ValidationError) as exc:
        services.meeting_start(meeting=meeting, by=staff_user)
    assert exc.value.code == services.NEEDS_CONFIRMATION
    assert format_when(scheduled) in exc.value.message
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_PUBLISHED

    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        meeting = services.meeting_start(meeting=meeting, by=staff_user, confirm=True)
    meeting.refresh_from_db()
    assert meeting.starts_at == moment == meeting.started_at
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=2)
    meeting.window.refresh_from_db()
    assert meeting.window.meeting_starts_at == moment
    # Every phase marked done lies in the past.
    with time_machine.travel(moment + timedelta(minutes=5), tick=False):
        timeline = meeting_timeline(meeting)
        for phase in timeline["phases"]:
            if phase.state == "done":
                assert phase.ends <= timezone.now(), phase.key
        assert timeline["current"].key == "meeting"


def test_opening_on_its_day_keeps_the_schedule(community, staff_user, seated):
    with time_machine.travel("2026-11-17 10:00:00+08:00", tick=False):
        meeting = publish(schedule(community, by=staff_user, days=12), by=staff_user)
    scheduled = meeting.starts_at  # 29 Nov, 10:00
    with time_machine.travel(scheduled - timedelta(minutes=15), tick=False):
        meeting = services.meeting_start(meeting=meeting, by=staff_user)
    assert meeting.status == MeetingStatus.IN_PROGRESS
    meeting.refresh_from_db()
    assert meeting.starts_at == scheduled


def test_buttons_ask_for_confirmation_on_a_page_without_script(
    login, community, staff_user, resident_user, seated
):
    meeting = schedule(community, by=staff_user, days=12, title="十二月居民议事会")
    services.agenda_item_create(meeting=meeting, by=staff_user, title="停车")
    client = login(staff_user)
    action = reverse(
        "council:meeting_action", args=[community.slug, meeting.pk, "publish"]
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "现在发布议程会立即结束征集" in page  # said before the tap, too
    response = client.post(action)
    html = response.content.decode()
    assert response.status_code == 200
    assert "现在发布议程会立即结束征集" in html and 'name="confirm"' in html
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.COLLECTING
    assert client.post(action, {"confirm": "1"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_PUBLISHED

    start = reverse(
        "council:meeting_action", args=[community.slug, meeting.pk, "start"]
    )
    html = client.post(start).content.decode()
    assert format_when(meeting.starts_at) in html
    client.post(start, {"confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS

    # Nobody is told collection is open, and nothing counts down any more.
    home = login(resident_user).get(
        reverse("residents:community_home", args=[community.slug])
    )
    assert "现在没有会议在征集议题" in home.content.decode()
    assert "还剩" not in home.content.decode()
    form = login(resident_user).get(
        reverse("topics:topic_submit", args=[community.slug])
    )
    assert "十二月居民议事会" not in form.content.decode()
    listing = client.get(reverse("council:meetings", args=[community.slug]))
    assert "进行中" in listing.content.decode()
    assert "还剩" not in listing.content.decode()
