"""What a meeting allows in each status, derived from MEETING_TRANSITIONS."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from council.models import MEETING_TRANSITIONS, Meeting, MeetingStatus
from tests.council.factories import in_progress, publish, schedule

pytestmark = pytest.mark.django_db

S = MeetingStatus


def meeting_in(status) -> Meeting:
    return Meeting(status=status)


@pytest.mark.parametrize(
    ("status", "agenda_public", "attendance", "self_check_in", "editable"),
    [
        (S.DRAFT, False, False, False, True),
        (S.SCHEDULED, False, False, False, True),
        (S.COLLECTING, False, False, False, True),
        (S.AGENDA_PUBLISHED, True, True, False, True),
        (S.IN_PROGRESS, True, True, True, False),
        (S.CONCLUDED, True, False, False, False),
        (S.CANCELLED, False, False, False, False),
    ],
)
def test_capabilities_per_status(
    status, agenda_public, attendance, self_check_in, editable
):
    meeting = meeting_in(status)
    assert meeting.agenda_is_public is agenda_public
    assert meeting.attendance_open is attendance
    assert meeting.self_check_in_open is self_check_in
    assert meeting.agenda_editable is editable
    assert meeting.can_reschedule is editable
    assert meeting.is_finished is (not MEETING_TRANSITIONS[status])


@pytest.mark.parametrize(
    ("status", "keys"),
    [
        (S.DRAFT, ["announce", "cancel"]),
        (S.COLLECTING, ["publish", "cancel"]),
        (S.AGENDA_PUBLISHED, ["start", "cancel"]),
        (S.IN_PROGRESS, ["conclude"]),
        (S.CONCLUDED, []),
        (S.CANCELLED, []),
    ],
)
def test_next_actions_follow_the_transitions(status, keys):
    actions = meeting_in(status).next_actions()
    assert [a.key for a in actions] == keys
    assert all(a.label for a in actions)


def test_labels_in_the_users_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        labels = [a.label for a in meeting_in(S.COLLECTING).next_actions()]
    assert labels == ["发布议程", "取消会议"]


def test_collection_is_open_until_published(community, staff_user, seated):
    meeting = schedule(community, by=staff_user, days=12)
    assert meeting.collection_open()
    [publish_action] = [a for a in meeting.next_actions() if a.key == "publish"]
    assert "议题征集" in publish_action.confirm or "Topic collection" in (
        publish_action.confirm
    )
    meeting = publish(meeting, by=staff_user)
    assert not meeting.collection_open()
    assert meeting.agenda_is_public


def test_opening_needs_confirming_only_before_its_day(community, staff_user, seated):
    meeting = publish(schedule(community, by=staff_user, days=12), by=staff_user)
    [start] = [a for a in meeting.next_actions() if a.key == "start"]
    assert start.confirm
    on_the_day = timezone.localtime(meeting.starts_at).replace(hour=0, minute=1)
    with time_machine.travel(on_the_day, tick=False):
        [start] = [a for a in meeting.next_actions() if a.key == "start"]
        assert start.confirm == ""
    with time_machine.travel(on_the_day - timedelta(minutes=2), tick=False):
        [start] = [a for a in meeting.next_actions() if a.key == "start"]
        assert start.confirm


def test_status_badge_styles(community, staff_user, seated):
    meeting = in_progress(schedule(community, by=staff_user), by=staff_user)
    assert meeting.status_style == "success"
    assert meeting_in(S.CANCELLED).status_style == "secondary"
    assert meeting_in(S.COLLECTING).status_style == "primary"
