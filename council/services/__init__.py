"""Every write to the council: charter, seats, meetings, agenda, invitations, attendance.

Public API (keyword-only; each raises django ValidationError with a translated
message when the write is refused):

    council_create(*, community) -> Council
        Create the community's council with the six default seat kinds (idempotent);
        runs when residents.services.community_create makes a community.
    council_update_charter(*, council, by, **fields) -> Council
        fields: collection_lead_days, quorum_rule, passing_threshold,
        stakeholders_vote, required_kind_coverage, name. Logs a CouncilChange.
    seat_kind_update(*, kind, by, name, position, seat_count) -> SeatKind
    seat_assign(*, council, by, kind, resident, term_start, term_end=None,
                alternate=None, organization=None) -> Seat
    seat_end(*, seat, by, ended_on, reason="") -> Seat
    seat_replace(*, seat, by, resident, on, alternate=None, organization=None,
                 reason="") -> Seat            (the new seat; the old one ends `on`)

    meeting_schedule(*, community, by, title, starts_at, ends_at, place="", room="",
                     online_link="", description="", confirm_short_window=False,
                     draft=False) -> Meeting
        Creates the topics.CollectionWindow (opens now, closes starts_at - lead time)
        unless draft. Refuses a window already closed unless confirm_short_window.
    meeting_announce(*, meeting, by, confirm_short_window=False) -> Meeting  (draft ->)
    meeting_reschedule(*, meeting, by, starts_at, ends_at, confirm_short_window=False,
                       title=None, place=None, room=None, online_link=None,
                       description=None) -> Meeting
        Moves the window (topics.services.collection_window_move), tells invitees.
    agenda_publish(*, meeting, by, confirm=False) -> Meeting
        Closes topic collection; while it is still open, refuses unless confirm
        (ValidationError with code NEEDS_CONFIRMATION, saying why).
    meeting_start(*, meeting, by, confirm=False) -> Meeting
        On an earlier day than scheduled, refuses unless confirm; then the
        recorded start moves to now.
    meeting_conclude(*, meeting, by) -> Meeting
    meeting_cancel(*, meeting, by, reason="") -> Meeting   (keeps the record)
        Closes the collection window; its topics move to the next meeting's
        (topics.services.collection_window_cancel).
    meeting_page_changed(meeting) -> None
        The kept meeting page (selectors.MEETING_PAGES) is forgotten once the
        transaction commits. Every service here that changes the meeting, its
        agenda, invitations or attendance calls it; an app above calls it for what
        it adds to the page (outcomes: minutes published).

    agenda_item_create(*, meeting, by, topic=None, title="", description="")
        -> AgendaItem
        A topic onto the agenda (title defaults to the topic's), or a staff item in
        free text. Does not change the topic's status: triage_accept does both.
    agenda_item_move(*, item, by, direction) -> AgendaItem   direction "up"/"down"
    agenda_item_remove(*, item, by) -> None

    triage_accept(*, meeting, topic, by, note="") -> AgendaItem
    triage_decline(*, meeting, topic, by, reason) -> Topic
    triage_merge(*, meeting, topic, into, by) -> Topic
    triage_defer(*, meeting, topic, by, note="") -> Topic
        Topic review of the meeting's collection: the topic must be in its window;
        the topic's state changes through topics.services.

    invitation_create(*, agenda_item, by, resident=None, organization=None,
                      outside_name="", outside_phone="", reason) -> Invitation
        Exactly one invitee. Notifies a resident invitee or an organisation's members.
    invitation_respond(*, invitation, by, accept) -> Invitation

    attendance_check_in(*, meeting, by, status=AttendanceStatus.IN_PERSON,
                        resident=None, invitation=None, name="",
                        self_check_in=False, check_in_code="") -> Attendance
        Staff record anyone on their behalf; self check-in (QR) only while the
        meeting is in progress, with the current code of the rotating QR
        (Meeting.self_check_in_code), and only for representatives, alternates
        and invited stakeholders.

    meeting_remind(*, meeting, which, now=None) -> int     which "24h" / "2h"
    meeting_reminders_sweep(*, now=None) -> int

Quorum and coverage: council.quorum.meeting_quorum(meeting).
"""

from .agenda import (  # noqa: F401
    agenda_item_create,
    agenda_item_move,
    agenda_item_remove,
)
from .attendance import (  # noqa: F401
    CHECK_IN_CODE_EXPIRED,
    attendance_check_in,
)
from .charter import (  # noqa: F401
    council_create,
    council_update_charter,
    seat_assign,
    seat_end,
    seat_kind_update,
    seat_replace,
)
from .invitations import (  # noqa: F401
    invitation_create,
    invitation_respond,
    invitations_from_consultations,
)
from .meetings import (  # noqa: F401
    NEEDS_CONFIRMATION,
    agenda_publish,
    locked_meeting,
    meeting_announce,
    meeting_cancel,
    meeting_conclude,
    meeting_page_changed,
    meeting_remind,
    meeting_reminders_sweep,
    meeting_reschedule,
    meeting_schedule,
    meeting_start,
)
from .triage import (  # noqa: F401
    triage_accept,
    triage_decline,
    triage_defer,
    triage_merge,
)
