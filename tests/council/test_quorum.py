"""Quorum and seat-kind coverage from attendance (alternates, leave, rules)."""

import pytest
from django.core.exceptions import ValidationError

from council import services
from council.models import AttendanceRole, QuorumRule
from council.quorum import meeting_quorum
from tests.council.factories import in_progress, schedule, seat_council
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def check_in(meeting, by, resident, status="in_person"):
    return services.attendance_check_in(
        meeting=meeting, by=by, resident=resident, status=status
    )


def test_two_thirds_of_six_needs_four(community, staff_user, open_meeting, seated):
    _council, seats = seated
    report = meeting_quorum(open_meeting)
    assert (report.seated, report.present, report.required) == (6, 0, 4)
    assert not report.met and not report.can_vote
    for seat in seats[:3]:
        check_in(open_meeting, staff_user, seat.resident)
    report = meeting_quorum(open_meeting)
    assert report.present == 3 and not report.met and report.missing == 1
    check_in(open_meeting, staff_user, seats[3].resident, status="online")
    report = meeting_quorum(open_meeting)
    assert report.met
    assert report.kinds_present == 4 and report.coverage_met and report.can_vote


def test_absent_with_leave_and_absent_are_not_present(
    community, staff_user, open_meeting, seated
):
    _council, seats = seated
    for seat in seats[:3]:
        check_in(open_meeting, staff_user, seat.resident)
    check_in(open_meeting, staff_user, seats[3].resident, status="on_leave")
    check_in(open_meeting, staff_user, seats[4].resident, status="absent")
    report = meeting_quorum(open_meeting)
    assert report.present == 3 and not report.met


def test_alternate_standing_in_counts_for_the_absent_representatives_seat(
    community, staff_user, open_meeting, seated
):
    _council, seats = seated
    for seat in seats[:3]:
        check_in(open_meeting, staff_user, seat.resident)
    check_in(open_meeting, staff_user, seats[3].resident, status="on_leave")
    attendance = check_in(open_meeting, staff_user, seats[3].alternate)
    assert attendance.role == AttendanceRole.ALTERNATE
    assert attendance.seat_id == seats[3].pk
    report = meeting_quorum(open_meeting)
    assert report.present == 4 and report.met
    assert report.kinds_present == 4


def test_seat_counts_once_when_holder_and_alternate_both_come(
    community, staff_user, open_meeting, seated
):
    _council, seats = seated
    check_in(open_meeting, staff_user, seats[0].resident)
    check_in(open_meeting, staff_user, seats[0].alternate)
    report = meeting_quorum(open_meeting)
    assert report.present == 1 and report.kinds_present == 1


def test_stakeholders_and_observers_do_not_make_quorum(
    community, staff_user, open_meeting, seated
):
    item = open_meeting.agenda_items.first()
    stakeholder = ResidentFactory(community=community)
    services.invitation_create(
        agenda_item=item, by=staff_user, resident=stakeholder, reason="x"
    )
    assert check_in(open_meeting, staff_user, stakeholder).role == "stakeholder"
    observer = check_in(open_meeting, staff_user, ResidentFactory(community=community))
    assert observer.role == AttendanceRole.OBSERVER
    assert meeting_quorum(open_meeting).present == 0


def test_coverage_counts_kinds_not_seats(community, staff_user):
    council, seats = seat_council(community, by=staff_user, per_kind=2)
    meeting = in_progress(schedule(community, by=staff_user), by=staff_user)
    # Eight of twelve seats from only four kinds: quorum met, coverage 4.
    by_kind = {}
    for seat in seats:
        by_kind.setdefault(seat.kind_id, []).append(seat)
    kinds = list(by_kind.values())
    for group in kinds[:4]:
        for seat in group:
            check_in(meeting, staff_user, seat.resident)
    report = meeting_quorum(meeting)
    assert (report.seated, report.present, report.required) == (12, 8, 8)
    assert report.met and report.kinds_present == 4 and report.coverage_met
    services.council_update_charter(
        council=council, by=staff_user, required_kind_coverage=5
    )
    meeting.council.refresh_from_db()
    report = meeting_quorum(meeting)
    assert report.met and not report.coverage_met and not report.can_vote


def test_quorum_rule_from_the_charter(community, staff_user, open_meeting, seated):
    council, seats = seated
    for seat in seats[:3]:
        check_in(open_meeting, staff_user, seat.resident)
    assert not meeting_quorum(open_meeting).met
    services.council_update_charter(
        council=council, by=staff_user, quorum_rule=QuorumRule.MAJORITY
    )
    open_meeting.council.refresh_from_db()
    report = meeting_quorum(open_meeting)
    assert report.required == 4  # more than half of 6
    services.council_update_charter(
        council=council, by=staff_user, quorum_rule=QuorumRule.THREE_QUARTERS
    )
    open_meeting.council.refresh_from_db()
    assert meeting_quorum(open_meeting).required == 5


def test_no_seats_means_no_quorum(community, staff_user):
    meeting = in_progress(schedule(community, by=staff_user), by=staff_user)
    report = meeting_quorum(meeting)
    assert report.seated == 0 and not report.met


def test_seat_ended_before_the_meeting_does_not_count(
    community, staff_user, open_meeting, seated
):
    from django.utils import timezone

    _council, seats = seated
    services.seat_end(seat=seats[0], by=staff_user, ended_on=timezone.localdate())
    assert meeting_quorum(open_meeting).seated == 5


def test_coverage_cannot_exceed_the_number_of_kinds(community, staff_user, seated):
    council, _seats = seated
    with pytest.raises(ValidationError):
        services.council_update_charter(
            council=council, by=staff_user, required_kind_coverage=7
        )
