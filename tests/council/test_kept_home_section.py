"""The home page's council section (the next meeting) is kept rendered per
community and viewer (council.selectors.COMMUNITY_MEETINGS): each meeting service
that changes which meeting is next, or what it says of it, shows on the next visit;
the countdown moves on by itself.

Each write runs its on-commit callbacks, as a real request's commit does.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from council import services
from tests.council.factories import in_progress, schedule
from tests.pages import opened

pytestmark = pytest.mark.django_db


def home(user, community):
    html = opened(user, reverse("residents:community_home", args=[community.slug]))
    start = html.index('id="home-meeting-heading"')
    return html[start : html.index("</section>", start)]


def test_scheduled_renamed_cancelled_meetings_show_at_once(
    committed, community, staff_user, resident_user, seated
):
    assert "还没有安排会议" in home(resident_user, community)
    meeting = committed(schedule, community, by=staff_user)
    assert "十一月议事会" in home(resident_user, community)
    committed(
        services.meeting_reschedule,
        meeting=meeting,
        by=staff_user,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        title="十一月居民议事会",
    )
    assert "十一月居民议事会" in home(resident_user, community)
    committed(services.meeting_cancel, meeting=meeting, by=staff_user, reason="台风")
    assert "十一月居民议事会" not in home(resident_user, community)


def test_a_draft_announced_and_a_concluded_meeting_show_at_once(
    committed, community, staff_user, resident_user, seated
):
    draft = committed(schedule, community, by=staff_user, draft=True)
    assert "十一月议事会" not in home(resident_user, community)
    committed(services.meeting_announce, meeting=draft, by=staff_user)
    assert "还剩 9 天" in home(resident_user, community)
    committed(in_progress, draft, by=staff_user)  # opened early: no countdown now
    section = home(resident_user, community)
    assert "十一月议事会" in section and "还剩" not in section
    committed(services.meeting_conclude, meeting=draft, by=staff_user)
    assert "十一月议事会" not in home(resident_user, community)


def test_the_countdown_moves_on_without_any_write(
    committed, community, staff_user, resident_user, seated
):
    meeting = committed(schedule, community, by=staff_user, days=10)
    # Minutes apart, well within what the cache keeps the section for.
    start = meeting.starts_at - timedelta(days=9, minutes=1)
    with time_machine.travel(start, tick=False):
        assert "还剩 9 天" in home(resident_user, community)
    with time_machine.travel(start + timedelta(minutes=1, seconds=1), tick=False):
        assert "还剩 8 天" in home(resident_user, community)
    start = meeting.starts_at - timedelta(hours=1, minutes=1)
    with time_machine.travel(start, tick=False):
        assert "还剩 1 小时" in home(resident_user, community)
    with time_machine.travel(start + timedelta(minutes=1, seconds=1), tick=False):
        assert "还剩 59 分钟" in home(resident_user, community)
