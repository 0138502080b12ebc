"""Meeting states, scheduling windows, rescheduling, cancelling and reminders."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from council import services
from council.models import Attendance, InvitationStatus, Meeting, MeetingStatus
from notifications.models import Notification
from tests.council.factories import schedule
from tests.factories import OrganizationFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def test_scheduling_opens_collection_until_lead_time_before_start(
    community, staff_user, seated
):
    before = timezone.now()
    meeting = schedule(community, by=staff_user, days=10)
    assert meeting.status == MeetingStatus.COLLECTING
    window = meeting.window
    assert window.community == community
    assert before <= window.opens_at <= timezone.now()
    assert window.closes_at == meeting.starts_at - timedelta(days=7)
    assert window.is_open()


def test_lead_time_comes_from_the_charter(community, staff_user, seated):
    council, _seats = seated
    services.council_update_charter(
        council=council, by=staff_user, collection_lead_days=3
    )
    meeting = schedule(community, by=staff_user, days=5)
    assert meeting.window.closes_at == meeting.starts_at - timedelta(days=3)


def test_too_soon_is_refused_unless_a_short_window_is_confirmed(
    community, staff_user, seated
):
    with pytest.raises(ValidationError) as exc:
        schedule(community, by=staff_user, days=5)
    assert "starts_at" in exc.value.error_dict
    assert "征集" in " ".join(exc.value.messages)
    assert not Meeting.objects.exists()
    meeting = schedule(community, by=staff_user, days=5, confirm_short_window=True)
    now = timezone.now()
    assert now < meeting.window.closes_at < meeting.starts_at


def test_meeting_in_the_past_or_ending_before_start_is_refused(
    community, staff_user, seated
):
    with pytest.raises(ValidationError):
        schedule(community, by=staff_user, days=-1, confirm_short_window=True)
    starts = timezone.now() + timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        schedule(
            community,
            by=staff_user,
            starts_at=starts,
            ends_at=starts - timedelta(hours=1),
        )
    assert "ends_at" in exc.value.error_dict


def test_a_place_or_an_online_link_is_required(community, staff_user, seated):
    with pytest.raises(ValidationError) as exc:
        schedule(community, by=staff_user, place="", room="")
    assert "place" in exc.value.error_dict
    meeting = schedule(
        community, by=staff_user, place="", online_link="https://meet.example.com/x"
    )
    assert meeting.online_link


def test_draft_has_no_window_until_announced(community, staff_user, seated):
    meeting = schedule(community, by=staff_user, draft=True)
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.window is None
    meeting = services.meeting_announce(meeting=meeting, by=staff_user)
    assert meeting.status == MeetingStatus.COLLECTING
    assert meeting.window.closes_at == meeting.starts_at - timedelta(days=7)


def test_full_state_machine(community, staff_user, seated):
    meeting = schedule(community, by=staff_user)
    with pytest.raises(ValidationError, match="议程"):
        services.meeting_start(meeting=meeting, by=staff_user)
    with pytest.raises(ValidationError):
        services.meeting_conclude(meeting=meeting, by=staff_user)
    with pytest.raises(ValidationError):  # no items yet
        services.agenda_publish(meeting=meeting, by=staff_user)
    services.agenda_item_create(meeting=meeting, by=staff_user, title="路灯维修")
    meeting = services.agenda_publish(meeting=meeting, by=staff_user, confirm=True)
    assert meeting.status == MeetingStatus.AGENDA_PUBLISHED
    with pytest.raises(ValidationError):
        services.agenda_publish(meeting=meeting, by=staff_user)
    meeting = services.meeting_start(meeting=meeting, by=staff_user, confirm=True)
    assert meeting.status == MeetingStatus.IN_PROGRESS and meeting.started_at
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, by=staff_user)
    with pytest.raises(ValidationError):
        services.agenda_item_create(meeting=meeting, by=staff_user, title="太晚")
    meeting = services.meeting_conclude(meeting=meeting, by=staff_user)
    assert meeting.status == MeetingStatus.CONCLUDED
    for move in (services.meeting_start, services.meeting_conclude):
        with pytest.raises(ValidationError):
            move(meeting=meeting, by=staff_user)


def test_a_meeting_never_started_cannot_be_concluded(community, staff_user, seated):
    meeting = schedule(community, by=staff_user)
    services.agenda_item_create(meeting=meeting, by=staff_user, title="x")
    services.agenda_publish(meeting=meeting, by=staff_user, confirm=True)
    with pytest.raises(ValidationError, match="进行中"):
        services.meeting_conclude(meeting=meeting, by=staff_user)


def test_cancel_keeps_the_record_and_tells_everyone_invited(
    community, staff_user, seated, django_capture_on_commit_callbacks
):
    _council, seats = seated
    meeting = schedule(community, by=staff_user)
    item = services.agenda_item_create(meeting=meeting, by=staff_user, title="x")
    outsider = ResidentFactory(community=community)
    decliner = ResidentFactory(community=community)
    services.invitation_create(
        agenda_item=item, by=staff_user, resident=outsider, reason="住在旁边"
    )
    declined = services.invitation_create(
        agenda_item=item, by=staff_user, resident=decliner, reason="楼上"
    )
    services.invitation_respond(invitation=declined, by=staff_user, accept=False)
    services.meeting_cancel(meeting=meeting, by=staff_user, reason="台风")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancel_reason == "台风"
    told = Notification.objects.filter(kind="council_meeting_cancelled")
    told_residents = set(told.values_list("resident_id", flat=True))
    expected = {s.resident_id for s in seats} | {s.alternate_id for s in seats}
    assert told_residents == expected | {outsider.pk}
    assert decliner.pk not in told_residents
    assert "台风" in told.first().body
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, by=staff_user)


def test_reschedule_moves_the_deadline_and_tells_invitees(
    community, staff_user, seated
):
    meeting = schedule(community, by=staff_user, days=10)
    old_close = meeting.window.closes_at
    new_start = meeting.starts_at + timedelta(days=4)
    meeting = services.meeting_reschedule(
        meeting=meeting,
        by=staff_user,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
    )
    meeting.window.refresh_from_db()
    assert meeting.window.closes_at == new_start - timedelta(days=7)
    assert meeting.window.closes_at == old_close + timedelta(days=4)
    told = Notification.objects.filter(kind="council_meeting_rescheduled")
    assert told.count() == 12  # six representatives and six alternates
    assert "改期" in told.first().subject or "改" in told.first().subject


def test_reschedule_too_soon_is_refused_and_keeps_the_old_time(
    community, staff_user, seated
):
    meeting = schedule(community, by=staff_user, days=10)
    old = (meeting.starts_at, meeting.window.closes_at)
    soon = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError):
        services.meeting_reschedule(
            meeting=meeting, by=staff_user, starts_at=soon, ends_at=soon + timedelta(1)
        )
    meeting.refresh_from_db()
    meeting.window.refresh_from_db()
    assert (meeting.starts_at, meeting.window.closes_at) == old
    assert not Notification.objects.filter(kind="council_meeting_rescheduled").exists()


def test_changing_only_the_room_tells_no_one(community, staff_user, seated):
    meeting = schedule(community, by=staff_user)
    services.meeting_reschedule(
        meeting=meeting,
        by=staff_user,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        room="二楼",
    )
    meeting.refresh_from_db()
    assert meeting.room == "二楼"
    assert not Notification.objects.filter(kind="council_meeting_rescheduled").exists()


def test_agenda_published_notifies_everyone_once(community, staff_user, seated):
    meeting = schedule(community, by=staff_user)
    org = OrganizationFactory(community=community)
    member = ResidentFactory(community=community)
    org.members.add(member)
    item = services.agenda_item_create(meeting=meeting, by=staff_user, title="停车")
    services.invitation_create(
        agenda_item=item, by=staff_user, organization=org, reason="物业"
    )
    services.agenda_publish(meeting=meeting, by=staff_user, confirm=True)
    sent = Notification.objects.filter(kind="council_agenda_published")
    assert sent.count() == 13
    assert sent.filter(resident=member).exists()
    assert "停车" in sent.first().body


def test_agenda_items_move_up_and_down(community, staff_user, seated):
    meeting = schedule(community, by=staff_user)
    a, b, c = (
        services.agenda_item_create(meeting=meeting, by=staff_user, title=t)
        for t in "ABC"
    )
    services.agenda_item_move(item=c, by=staff_user, direction="up")
    order = list(
        meeting.agenda_items.order_by("position").values_list("title", flat=True)
    )
    assert order == ["A", "C", "B"]
    services.agenda_item_move(item=a, by=staff_user, direction="up")  # already first
    services.agenda_item_move(item=a, by=staff_user, direction="down")
    order = list(
        meeting.agenda_items.order_by("position").values_list("title", flat=True)
    )
    assert order == ["C", "A", "B"]
    services.agenda_item_remove(item=b, by=staff_user)
    positions = list(
        meeting.agenda_items.order_by("position").values_list("position", flat=True)
    )
    assert positions == [1, 2]


def test_topic_of_another_community_cannot_go_on_the_agenda(
    community, other_community, staff_user, seated
):
    from topics.models import Topic

    meeting = schedule(community, by=staff_user)
    foreign = Topic.objects.create(
        community=other_community,
        submitter=ResidentFactory(community=other_community),
        title="别处的议题",
        description="x",
    )
    with pytest.raises(ValidationError):
        services.agenda_item_create(meeting=meeting, by=staff_user, topic=foreign)
    mine = Topic.objects.create(
        community=community,
        submitter=ResidentFactory(community=community),
        title="楼道灯",
        description="坏了",
    )
    item = services.agenda_item_create(meeting=meeting, by=staff_user, topic=mine)
    assert item.title == "楼道灯"
    with pytest.raises(ValidationError):
        services.agenda_item_create(meeting=meeting, by=staff_user, topic=mine)


def test_invitation_needs_exactly_one_invitee_and_a_reason(
    community, staff_user, seated
):
    meeting = schedule(community, by=staff_user)
    item = services.agenda_item_create(meeting=meeting, by=staff_user, title="x")
    resident = ResidentFactory(community=community)
    with pytest.raises(ValidationError):
        services.invitation_create(agenda_item=item, by=staff_user, reason="x")
    with pytest.raises(ValidationError):
        services.invitation_create(
            agenda_item=item,
            by=staff_user,
            resident=resident,
            outside_name="张经理",
            reason="x",
        )
    with pytest.raises(ValidationError):
        services.invitation_create(
            agenda_item=item, by=staff_user, resident=resident, reason=" "
        )
    with pytest.raises(ValidationError):
        services.invitation_create(
            agenda_item=item, by=staff_user, outside_name="张经理", reason="物业"
        )
    outside = services.invitation_create(
        agenda_item=item,
        by=staff_user,
        outside_name="张经理",
        outside_phone="13900001111",
        reason="物业公司",
    )
    assert outside.stakeholder_name == "张经理"
    invitation = services.invitation_create(
        agenda_item=item, by=staff_user, resident=resident, reason="住在一楼"
    )
    note = Notification.objects.get(kind="council_invitation", resident=resident)
    assert "住在一楼" in note.body
    with pytest.raises(ValidationError):
        services.invitation_create(
            agenda_item=item, by=staff_user, resident=resident, reason="again"
        )
    invitation = services.invitation_respond(
        invitation=invitation, by=staff_user, accept=True
    )
    assert invitation.status == InvitationStatus.ACCEPTED


def test_reminders_go_once_to_those_who_did_not_decline(
    community, staff_user, seated, django_capture_on_commit_callbacks
):
    _council, seats = seated
    meeting = schedule(community, by=staff_user, days=10)
    item = services.agenda_item_create(meeting=meeting, by=staff_user, title="x")
    decliner = ResidentFactory(community=community)
    invitation = services.invitation_create(
        agenda_item=item, by=staff_user, resident=decliner, reason="x"
    )
    services.invitation_respond(invitation=invitation, by=staff_user, accept=False)
    # Too early: nothing.
    assert services.meeting_reminders_sweep() == 0
    with time_machine.travel(meeting.starts_at - timedelta(hours=23), tick=False):
        assert services.meeting_reminders_sweep() == 12
        assert services.meeting_reminders_sweep() == 0  # exactly once
        assert services.meeting_remind(meeting=meeting, which="24h") == 0
    with time_machine.travel(meeting.starts_at - timedelta(minutes=90), tick=False):
        assert services.meeting_reminders_sweep() == 12
        assert services.meeting_reminders_sweep() == 0
    reminders = Notification.objects.filter(kind="council_meeting_reminder")
    assert reminders.count() == 24
    assert not reminders.filter(resident=decliner).exists()
    with time_machine.travel(meeting.starts_at + timedelta(minutes=5), tick=False):
        assert services.meeting_reminders_sweep() == 0


def test_reminder_tasks_are_queued_on_commit_with_eta(
    community, staff_user, seated, django_capture_on_commit_callbacks, monkeypatch
):
    from council import tasks

    queued = []
    monkeypatch.setattr(
        tasks.send_meeting_reminder,
        "apply_async",
        lambda args, eta: queued.append((args, eta)),
    )
    # Ten days ahead is beyond the ETA horizon: nothing waits in the broker,
    # the sweep sends each reminder when it falls due.
    with django_capture_on_commit_callbacks(execute=True):
        far = schedule(community, by=staff_user, days=10)
    assert queued == []

    # A meeting a few hours away (short window confirmed) gets its 2 h reminder
    # as an ETA task; the 24 h one is already due and left to the sweep.
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(
            community, by=staff_user, days=0.5, confirm_short_window=True
        )
    assert [eta for _a, eta in queued] == [meeting.starts_at - timedelta(hours=2)]
    # The task itself sends when due, and skips a time that was rescheduled.
    args = queued[0][0]
    with time_machine.travel(meeting.starts_at - timedelta(hours=2), tick=False):
        assert tasks.send_meeting_reminder.run(*args) in (0, 12)
    stale = [meeting.pk, "2h", (meeting.starts_at - timedelta(days=1)).isoformat()]
    assert tasks.send_meeting_reminder.run(*stale) == 0
    assert far.pk != meeting.pk


def test_cancelled_meeting_sends_no_reminders(community, staff_user, seated):
    meeting = schedule(community, by=staff_user, days=10)
    services.meeting_cancel(meeting=meeting, by=staff_user)
    with time_machine.travel(meeting.starts_at - timedelta(hours=1), tick=False):
        assert services.meeting_reminders_sweep() == 0


def test_attendance_before_agenda_is_published_is_refused(
    community, staff_user, seated
):
    _council, seats = seated
    meeting = schedule(community, by=staff_user)
    with pytest.raises(ValidationError):
        services.attendance_check_in(
            meeting=meeting, by=staff_user, resident=seats[0].resident
        )
    assert not Attendance.objects.exists()


def test_staff_can_record_leave_once_agenda_is_published(community, staff_user, seated):
    _council, seats = seated
    meeting = schedule(community, by=staff_user)
    services.agenda_item_create(meeting=meeting, by=staff_user, title="x")
    services.agenda_publish(meeting=meeting, by=staff_user, confirm=True)
    attendance = services.attendance_check_in(
        meeting=meeting,
        by=staff_user,
        resident=seats[0].resident,
        status="on_leave",
    )
    assert attendance.on_behalf and attendance.checked_in_by == staff_user


def test_no_invitations_to_a_draft(community, staff_user, seated):
    meeting = schedule(community, by=staff_user, draft=True)
    item = services.agenda_item_create(meeting=meeting, by=staff_user, title="x")
    with pytest.raises(ValidationError, match="草稿"):
        services.invitation_create(
            agenda_item=item,
            by=staff_user,
            resident=ResidentFactory(community=community),
            reason="x",
        )


def test_notification_text_is_not_html_escaped(community, staff_user, seated):
    meeting = schedule(community, by=staff_user, title="A&B <会议>")
    item = services.agenda_item_create(meeting=meeting, by=staff_user, title="x")
    resident = ResidentFactory(community=community)
    services.invitation_create(
        agenda_item=item, by=staff_user, resident=resident, reason='住"六楼" & 顶楼'
    )
    note = Notification.objects.get(kind="council_invitation")
    assert "A&B <会议>" in note.subject
    assert '住"六楼" & 顶楼' in note.body
