"""Reads for council pages: each runs a fixed number of queries."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.display import local_day
from residents.models import Resident
from topics.models import Topic, TopicEvent, TopicEventKind, TopicStatus

from .models import (
    PRESENT_STATUSES,
    AgendaItem,
    Attendance,
    AttendanceChange,
    AttendanceRole,
    Council,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    Seat,
)
from .quorum import compute_quorum, meeting_quorum, meeting_seats


def council_page(*, council: Council, former_page: int = 1, page_size: int = 25):
    """Seats now, seats before (paginated), kinds and recent changes."""
    today = timezone.localdate()
    seats = Seat.objects.filter(council=council).select_related(
        "kind", "resident", "alternate", "organization"
    )
    current = list(seats.current(on=today).order_by("kind__position", "pk"))
    kinds = list(council.seat_kinds.order_by("position", "pk"))
    by_kind = {kind.pk: [] for kind in kinds}
    for seat in current:
        by_kind.setdefault(seat.kind_id, []).append(seat)
    kind_rows = [
        {
            "kind": kind,
            "seats": by_kind.get(kind.pk, []),
            "vacant": max(kind.seat_count - len(by_kind.get(kind.pk, [])), 0),
        }
        for kind in kinds
    ]
    former = Paginator(
        seats.former(on=today)
        .select_related("replaced_by__resident")
        .order_by("-ended_on", "-term_end", "-pk"),
        page_size,
    ).get_page(former_page)
    changes = list(council.changes.select_related("changed_by")[:10])
    return {
        "kind_rows": kind_rows,
        "current_count": len(current),
        "seat_total": sum(kind.seat_count for kind in kinds),
        "former": former,
        "changes": changes,
    }


@dataclass(frozen=True)
class MeetingVisibility:
    """What of one meeting a user may see."""

    meeting: bool  # the meeting itself (its page, notice, check-in list ...)
    agenda: bool  # its agenda items, even before the agenda is published


def meetings_visible_to(*, user, community) -> QuerySet:
    """The community's meetings `user` may see: drafts only for staff."""
    meetings = Meeting.objects.filter(community=community)
    if not user.has_perm("council.view_draft_meetings", community):
        meetings = meetings.exclude(status=MeetingStatus.DRAFT)
    return meetings


def meeting_visibility(*, meeting: Meeting, user) -> MeetingVisibility:
    """Whether `user` may see the meeting, and its agenda.

    Drafts only for staff; an unpublished agenda only for staff and social
    workers; a published one for everyone who sees the meeting.
    """
    community = meeting.community
    if not user.has_perm("council.view_meetings", community) or (
        meeting.is_draft and not user.has_perm("council.view_draft_meetings", community)
    ):
        return MeetingVisibility(meeting=False, agenda=False)
    return MeetingVisibility(
        meeting=True,
        agenda=meeting.agenda_is_public
        or user.has_perm("council.view_unpublished_agenda", community),
    )


def meeting_list(*, community, user, which: str, page=1, page_size: int = 25):
    meetings = meetings_visible_to(user=user, community=community).annotate(
        item_count=Count("agenda_items", distinct=True)
    )
    if which == "past":
        meetings = meetings.past().order_by("-starts_at", "-pk")
    else:
        meetings = meetings.upcoming().order_by("starts_at", "pk")
    return Paginator(meetings, page_size).get_page(page)


@dataclass
class Phase:
    key: str
    label: str
    starts: datetime | None
    ends: datetime | None
    state: str  # done, current, upcoming


def meeting_timeline(meeting: Meeting, now: datetime | None = None):
    """The cycle as five phases, with where we are now and the next deadline."""
    now = now or timezone.now()
    window = meeting.window
    opens = window.opens_at if window else None
    closes = window.closes_at if window else None
    if window and window.closed_at and window.closed_at < window.closes_at:
        closes = window.closed_at  # closed, then the meeting moved: stays closed
    try:
        follow_up_end = meeting.ends_at + timedelta(days=30)
    except OverflowError:  # a meeting stored at the end of the calendar
        follow_up_end = None
    phases = [
        ("collection", _("Topic collection open"), opens, closes),
        ("pre_consultation", _("Pre-meeting consultation"), closes, meeting.starts_at),
        (
            "meeting",
            pgettext_lazy("timeline phase", "Meeting"),
            meeting.starts_at,
            meeting.ends_at,
        ),
        ("follow_up", _("Follow-up"), meeting.ends_at, follow_up_end),
    ]
    order = [key for key, *_rest in phases]
    # Once the meeting has opened, its status says where we are, not the clock.
    forced = {
        MeetingStatus.IN_PROGRESS: "meeting",
        MeetingStatus.CONCLUDED: "follow_up",
    }.get(meeting.status)
    result = []
    current = None
    for key, label, starts, ends in phases:
        if forced is not None:
            position, now_at = order.index(key), order.index(forced)
            state = (
                "done"
                if position < now_at
                else "current"
                if position == now_at
                else "upcoming"
            )
        elif starts is None:
            state = "upcoming"
        elif ends is not None and now >= ends:
            state = "done"
        elif now >= starts:
            state = "current"
        else:
            state = "upcoming"
        phase = Phase(key, label, starts, ends, state)
        if state == "current" and current is None:
            current = phase
        result.append(phase)
    if meeting.is_cancelled:
        current = None
    next_deadline = None
    if meeting.before_opening:
        for moment, label in (
            (closes, _("until topic collection closes")),
            (meeting.starts_at, _("until the meeting")),
        ):
            if moment and moment > now:
                next_deadline = (moment, label)
                break
    return {"phases": result, "current": current, "next_deadline": next_deadline}


def meeting_detail(*, meeting: Meeting, user, resident: Resident | None):
    """Everything the meeting page shows, in a fixed number of queries.

    Counts and the quorum come from the database: the page loads no seat,
    invitation or attendance row but the resident's own invitations.
    """
    items = list(
        meeting.agenda_items.select_related("topic")
        .annotate(invitation_count=Count("invitations"))
        .order_by("position", "pk")
    )
    seats = Seat.objects.filter(council_id=meeting.council_id).current(
        on=local_day(meeting.starts_at)
    )
    my_invitations = []
    is_seated = False
    if resident is not None:
        my_invitations = list(
            Invitation.objects.filter(meeting=meeting)
            .filter(
                Q(resident=resident)
                | Q(organization__in=resident.organizations.values("pk"))
            )
            .select_related("agenda_item", "resident", "organization")
            .order_by("agenda_item__position", "agenda_item_id", "pk")
        )
        is_seated = seats.filter(Q(resident=resident) | Q(alternate=resident)).exists()
    return {
        "items": items,
        "seat_count": seats.count(),
        "quorum": meeting_quorum(meeting),
        "timeline": meeting_timeline(meeting),
        "my_invitations": my_invitations,
        "invitation_count": sum(item.invitation_count for item in items),
        "attendance_count": Attendance.objects.filter(
            meeting=meeting, status__in=PRESENT_STATUSES
        ).count(),
        "is_seated": is_seated,
    }


@dataclass(frozen=True)
class ExpectedPerson:
    """One person expected at a meeting, and the role they come in.

    `resident` is None for an outside party, and for an organisation invited as
    such (its `invitation` names it; any of its members may come).
    """

    role: str  # AttendanceRole: representative, alternate or stakeholder
    resident: Resident | None
    seat: Seat | None = None
    invitation: Invitation | None = None

    @property
    def resident_id(self) -> int | None:
        return self.resident.pk if self.resident is not None else None

    @property
    def name(self) -> str:
        if self.resident is not None:
            return self.resident.name
        return self.invitation.stakeholder_name


def meeting_expected(meeting: Meeting, *, seats=None) -> Iterator[ExpectedPerson]:
    """Yield everyone expected at the meeting, each once, in check-in order.

    The representatives of the seats current on the meeting's date, then their
    alternates, then the stakeholders invited to its items who have not declined
    (in agenda order). Someone expected twice comes in the first of these roles.
    One query for the seats (none when `seats`, from meeting_seats, is passed) and
    one for the invitations, made only when the iteration reaches them.
    """
    seats = list(meeting_seats(meeting)) if seats is None else seats
    listed: set[int] = set()
    for seat in seats:
        listed.add(seat.resident_id)
        yield ExpectedPerson(AttendanceRole.REPRESENTATIVE, seat.resident, seat=seat)
    for seat in seats:
        if seat.alternate_id and seat.alternate_id not in listed:
            listed.add(seat.alternate_id)
            yield ExpectedPerson(AttendanceRole.ALTERNATE, seat.alternate, seat=seat)
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .exclude(status=InvitationStatus.DECLINED)
        .select_related("resident", "organization", "agenda_item")
        .order_by("agenda_item__position", "pk")
    )
    for invitation in invitations:
        if invitation.resident_id:
            if invitation.resident_id in listed:
                continue
            listed.add(invitation.resident_id)
        yield ExpectedPerson(
            AttendanceRole.STAKEHOLDER, invitation.resident, invitation=invitation
        )


def meeting_expected_as(
    *, meeting: Meeting, resident: Resident
) -> ExpectedPerson | None:
    """How `resident` is expected at the meeting, or None (they would observe).

    A member of an organisation invited as such comes as its stakeholder.
    """
    by_organization: dict[int, Invitation] = {}
    for person in meeting_expected(meeting):
        if person.resident_id == resident.pk:
            return person
        if person.invitation is not None and person.invitation.organization_id:
            by_organization.setdefault(
                person.invitation.organization_id, person.invitation
            )
    if not by_organization:
        return None
    organization_id = (
        resident.organizations.filter(pk__in=by_organization)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if organization_id is None:
        return None
    return ExpectedPerson(
        AttendanceRole.STAKEHOLDER,
        resident,
        invitation=by_organization[organization_id],
    )


def meeting_participants(meeting: Meeting) -> list[Resident]:
    """The residents to tell about the meeting: everyone expected who can be told.

    An organisation's invitation reaches its member residents; an outside party
    has no account to notify.
    """
    people: dict[int, Resident] = {}
    organization_ids = []
    for person in meeting_expected(meeting):
        if person.resident is not None:
            people.setdefault(person.resident.pk, person.resident)
        elif person.invitation.organization_id:
            organization_ids.append(person.invitation.organization_id)
    if organization_ids:
        members = Resident.objects.filter(organizations__in=organization_ids).distinct()
        for member in members:
            people.setdefault(member.pk, member)
    return list(people.values())


@dataclass
class CheckInRow:
    key: str
    name: str
    role: str
    role_label: str
    detail: str
    attendance: Attendance | None
    resident_id: int | None = None
    invitation_id: int | None = None


def _check_in_row(person: ExpectedPerson, by_resident, by_invitation) -> CheckInRow:
    if person.resident is not None:
        key = f"r{person.resident_id}"
        attendance = by_resident.get(person.resident_id)
    else:
        key = f"i{person.invitation.pk}"
        attendance = by_invitation.get(person.invitation.pk)
    if person.role == AttendanceRole.REPRESENTATIVE:
        role_label, detail = AttendanceRole.REPRESENTATIVE.label, person.seat.kind.label
    elif person.role == AttendanceRole.ALTERNATE:
        role_label = _("alternate")
        detail = _("for %(name)s") % {"name": person.seat.resident.name}
    else:
        role_label = AttendanceRole.STAKEHOLDER.label
        detail = person.invitation.agenda_item.title
    return CheckInRow(
        key=key,
        name=person.name,
        role=person.role,
        role_label=str(role_label),
        detail=detail,
        attendance=attendance,
        resident_id=person.resident_id,
        invitation_id=None if person.resident is not None else person.invitation.pk,
    )


def check_in_rows(*, meeting: Meeting):
    """Everyone expected at the meeting with their attendance, and the quorum."""
    seats = list(meeting_seats(meeting))
    changes = AttendanceChange.objects.select_related("changed_by").order_by(
        "changed_at", "pk"
    )
    attendances = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("resident", "invitation__organization", "checked_in_by")
        .prefetch_related(Prefetch("changes", queryset=changes))
    )
    by_resident = {a.resident_id: a for a in attendances if a.resident_id}
    by_invitation = {
        a.invitation_id: a for a in attendances if a.invitation_id and not a.resident_id
    }
    rows = [
        _check_in_row(person, by_resident, by_invitation)
        for person in meeting_expected(meeting, seats=seats)
    ]
    listed_residents = {row.resident_id for row in rows if row.resident_id}
    for attendance in attendances:
        if attendance.role == AttendanceRole.OBSERVER and (
            attendance.resident_id not in listed_residents or not attendance.resident_id
        ):
            rows.append(
                CheckInRow(
                    key=f"a{attendance.pk}",
                    name=attendance.display_name,
                    role="observer",
                    role_label=str(AttendanceRole.OBSERVER.label),
                    detail="",
                    attendance=attendance,
                    resident_id=attendance.resident_id,
                )
            )
    quorum = compute_quorum(
        council=meeting.council, seats=seats, attendances=attendances
    )
    return {"rows": rows, "quorum": quorum}


def invitation_can_respond(*, invitation: Invitation, user) -> bool:
    """Whether `user` is the invitee (or a member of the invited organisation)."""
    if user is None or not user.is_authenticated:
        return False
    if invitation.resident_id:
        return invitation.resident.user_id == user.pk
    if invitation.organization_id:
        return invitation.organization.members.filter(user=user).exists()
    return False


# -- the public page ---------------------------------------------------------


def public_council(*, community) -> Council:
    """The community's council settings, or the defaults when none is set up yet."""
    return Council.objects.filter(community=community).first() or Council(
        community=community
    )


def public_meetings(*, community, council: Council, limit: int = 3) -> list[Meeting]:
    """Upcoming meetings (not drafts), with their agenda once published."""
    if not council.public_meetings:
        return []
    meetings = (
        Meeting.objects.filter(community=community)
        .upcoming()
        .exclude(status=MeetingStatus.DRAFT)
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")
    )
    if council.public_agenda:
        meetings = meetings.prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.order_by("position", "pk").only(
                    "pk", "meeting_id", "position", "title"
                ),
                to_attr="public_agenda",
            )
        )
    meetings = list(meetings[:limit])
    for meeting in meetings:
        if not (council.public_agenda and meeting.agenda_published_at):
            meeting.public_agenda = []
    return meetings


def public_decided_topics(*, community, council: Council, limit: int = 10) -> list:
    """Topics the council decided, newest first, each with its decision text."""
    if not council.public_decided_topics:
        return []
    topics = list(
        Topic.objects.filter(community=community, status=TopicStatus.DECIDED)
        .only("pk", "title", "category", "updated_at", "community_id")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TopicEvent.objects.filter(
                    kind=TopicEventKind.DECIDED
                ).order_by("-created_at", "-pk"),
                to_attr="decisions",
            )
        )
        .order_by("-updated_at", "-pk")[:limit]
    )
    for topic in topics:
        decision = topic.decisions[0] if topic.decisions else None
        topic.decision = decision.note if decision else ""
        topic.decided_at = decision.created_at if decision else topic.updated_at
    return topics
