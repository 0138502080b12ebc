"""The meeting timeline: where we are now, and time left before each deadline."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from core.display import format_when as when
from core.display import time_left_text
from council import services
from council.selectors import meeting_timeline
from tests.council.factories import in_progress, schedule

pytestmark = pytest.mark.django_db


def states(meeting, now=None):
    timeline = meeting_timeline(meeting, now=now)
    return [p.state for p in timeline["phases"]], timeline


def test_phases_follow_the_clock_before_the_meeting(community, staff_user, seated):
    meeting = schedule(community, by=staff_user, days=10)
    got, timeline = states(meeting)
    assert got == ["current", "upcoming", "upcoming", "upcoming"]
    assert timeline["current"].key == "collection"
    moment, _label = timeline["next_deadline"]
    assert moment == meeting.window.closes_at
    after_close = meeting.window.closes_at + timedelta(minutes=1)
    got, timeline = states(meeting, now=after_close)
    assert got == ["done", "current", "upcoming", "upcoming"]
    assert timeline["next_deadline"][0] == meeting.starts_at


def test_status_decides_once_the_meeting_opens(community, staff_user, seated):
    meeting = in_progress(schedule(community, by=staff_user), by=staff_user)
    got, timeline = states(meeting)
    assert got == ["done", "done", "current", "upcoming"]
    assert timeline["next_deadline"] is None
    meeting = services.meeting_conclude(meeting=meeting, by=staff_user)
    got, _timeline = states(meeting)
    assert got == ["done", "done", "done", "current"]


def test_cancelled_meeting_has_no_current_phase(community, staff_user, seated):
    meeting = schedule(community, by=staff_user)
    meeting = services.meeting_cancel(meeting=meeting, by=staff_user)
    assert meeting_timeline(meeting)["current"] is None


def test_time_left_in_chinese_and_english():
    now = timezone.now()
    with translation.override("zh-hans"):
        assert time_left_text(now + timedelta(days=3, hours=2), now) == "还剩 3 天"
        assert time_left_text(now + timedelta(hours=5), now) == "还剩 5 小时"
        assert time_left_text(now + timedelta(minutes=20), now) == "还剩 20 分钟"
        assert time_left_text(now - timedelta(minutes=1), now) == ""
    with translation.override("en"):
        assert time_left_text(now + timedelta(days=1, hours=1), now) == "1 day left"
        assert time_left_text(now + timedelta(days=3), now) == "3 days left"


def test_dates_as_in_the_glossary():
    with time_machine.travel("2026-11-29 06:30:00+00:00", tick=False):
        moment = timezone.now()
        with translation.override("zh-hans"):
            assert when(moment) == "2026年11月29日 星期日 14:30"
        with translation.override("en"):
            assert when(moment) == "Sun 29 Nov 2026, 14:30"


def test_meeting_page_shows_time_left_and_phase(
    login, community, staff_user, resident_user, seated
):
    meeting = schedule(community, by=staff_user, days=10)
    page = login(resident_user).get(meeting.get_absolute_url()).content.decode()
    assert "当前：" in page and "议题征集" in page and "还剩 2 天" in page


def test_closed_collection_stays_done_after_a_later_reschedule(
    community, staff_user, seated
):
    from topics.services import collection_window_close

    meeting = schedule(community, by=staff_user, days=10)
    with time_machine.travel(meeting.window.closes_at + timedelta(minutes=1)):
        assert collection_window_close(window=meeting.window)
        new_start = meeting.starts_at + timedelta(days=14)
        meeting = services.meeting_reschedule(
            meeting=meeting,
            by=staff_user,
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=2),
        )
        got, timeline = states(meeting)
    assert got[:2] == ["done", "current"]
    assert timeline["next_deadline"][0] == meeting.starts_at
