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
    SeatKind,
)
from .quorum import meeting_quorum, meeting_seats

# Up to this many seats held, the council page lists every seat; above, each
# kind's seats load when its fold is opened (htmx, or ?kind= without JavaScript).
COUNCIL_INLINE_SEATS = 60
KIND_SEATS_PAGE_SIZE = 50


def _current_seats(council: Council, today):
    return (
        Seat.objects.filter(council=council)
        .current(on=today)
        .select_related("kind", "resident", "alternate", "organization")
    )


def council_page(
    *,
    council: Council,
    former_page: int = 1,
    page_size: int = 25,
    open_kind: int | None = None,
    kind_page: int = 1,
):
    """Seat kinds with their counts, seats before (paginated), recent changes.

    The held seats are counted per kind in the database. A small council's
    seats come with it; a large one's only for `open_kind` (one page of
    KIND_SEATS_PAGE_SIZE), so the page's size does not grow with the council.
    """
    today = timezone.localdate()
    held = (
        Q(seats__term_start__lte=today)
        & (Q(seats__ended_on__isnull=True) | Q(seats__ended_on__gt=today))
        & (Q(seats__term_end__isnull=True) | Q(seats__term_end__gte=today))
    )
    kinds = list(
        council.seat_kinds.annotate(held=Count("seats", filter=held)).order_by(
            "position", "pk"
        )
    )
    current_count = sum(kind.held for kind in kinds)
    # One query at every size: the first seats, kept only when they are all.
    first_seats = list(
        _current_seats(council, today).order_by("kind__position", "pk")[
            : COUNCIL_INLINE_SEATS + 1
        ]
    )
    inline = len(first_seats) <= COUNCIL_INLINE_SEATS
    by_kind: dict[int, list] = {kind.pk: [] for kind in kinds}
    open_page = None
    if inline:
        for seat in first_seats:
            by_kind.setdefault(seat.kind_id, []).append(seat)
    elif open_kind in by_kind:
        open_page = kind_seats_page(council=council, kind_id=open_kind, page=kind_page)
        by_kind[open_kind] = list(open_page.object_list)
    kind_rows = [
        {
            "kind": kind,
            "held": kind.held,
            "seats": by_kind.get(kind.pk, []),
            "loaded": inline or kind.pk == open_kind,
            "page": open_page if kind.pk == open_kind else None,
            "query_string": f"kind={kind.pk}",
            "vacant": max(kind.seat_count - kind.held, 0),
        }
        for kind in kinds
    ]
    former = Paginator(
        Seat.objects.filter(council=council)
        .former(on=today)
        .select_related("kind", "resident", "replaced_by__resident")
        .order_by("-ended_on", "-term_end", "-pk"),
        page_size,
    ).get_page(former_page)
    changes = list(council.changes.select_related("changed_by")[:10])
    return {
        "kind_rows": kind_rows,
        "current_count": current_count,
        "seat_total": sum(kind.seat_count for kind in kinds),
        "seats_inline": inline,
        "former": former,
        "changes": changes,
    }


def kind_seats_page(*, council: Council, kind_id: int, page=1):
    """One page of the seats held now in one seat kind (the council page's fold)."""
    seats = (
        _current_seats(council, timezone.localdate())
        .filter(kind_id=kind_id)
        .order_by("pk")
    )
    return Paginator(seats, KIND_SEATS_PAGE_SIZE).get_page(page)


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
    """Whether `user` may see the meeting, and its agenda (council.rules).

    Drafts only for staff; an unpublished agenda only for staff and social
    workers; a published one for everyone who sees the meeting.
    """
    if not user.has_perm("council.view_meeting", meeting):
        return MeetingVisibility(meeting=False, agenda=False)
    return MeetingVisibility(
        meeting=True, agenda=user.has_perm("council.view_agenda", meeting)
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
    my_invitations = []
    also = {}
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
        # Whether they hold (or stand in for) a seat: in the quorum's query.
        also["mine"] = Count("pk", filter=Q(resident=resident) | Q(alternate=resident))
    quorum = meeting_quorum(meeting, **also)
    return {
        "items": items,
        "seat_count": quorum.seated,
        "quorum": quorum,
        "timeline": meeting_timeline(meeting),
        "my_invitations": my_invitations,
        "invitation_count": sum(item.invitation_count for item in items),
        "attendance_count": Attendance.objects.filter(
            meeting=meeting, status__in=PRESENT_STATUSES
        ).count(),
        "is_seated": bool(quorum.also.get("mine")),
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


def check_in_page(*, meeting: Meeting, query: str = "", page=1, page_size: int = 50):
    """One page of everyone expected at the meeting, with attendance and quorum.

    The order and roles are meeting_expected's (representatives, their
    alternates, stakeholders who have not declined; each person once), then
    observers not otherwise listed. The whole list is read as plain values
    (ids and names, no model instances); only the page's attendance rows are
    loaded, with their history. `query` keeps the names that contain it.
    """
    on = local_day(meeting.starts_at)
    seats = list(
        Seat.objects.filter(council_id=meeting.council_id)
        .current(on=on)
        .order_by("kind__position", "kind_id", "pk")
        .values_list(
            "pk", "kind_id", "resident_id", "resident__name", "alternate_id",
            "alternate__name", "kind__name", "kind__code",
        )
    )  # fmt: skip
    kinds = {seat[1]: SeatKind(name=seat[6], code=seat[7]).label for seat in seats}
    invitations = list(
        Invitation.objects.filter(meeting=meeting)
        .exclude(status=InvitationStatus.DECLINED)
        .order_by("agenda_item__position", "pk")
        .values_list(
            "pk", "resident_id", "resident__name", "organization__name",
            "outside_name", "agenda_item__title",
        )
    )  # fmt: skip
    attendances = list(
        Attendance.objects.filter(meeting=meeting)
        .order_by("pk")
        .values_list(
            "pk", "resident_id", "invitation_id", "role", "status", "name",
            "resident__name", "invitation__organization__name",
            "invitation__outside_name", "invitation__resident__name",
        )
    )  # fmt: skip
    by_resident = {a[1]: a for a in attendances if a[1]}
    by_invitation = {a[2]: a for a in attendances if a[2] and not a[1]}
    # (key, name, role, role label, detail, resident id, invitation id, attendance)
    entries = []
    listed: set[int] = set()
    for _pk, kind_id, resident_id, name, _alt, _alt_name, *_kind in seats:
        listed.add(resident_id)
        entries.append(
            (
                f"r{resident_id}", name, AttendanceRole.REPRESENTATIVE,
                AttendanceRole.REPRESENTATIVE.label, kinds.get(kind_id, ""),
                resident_id, None, by_resident.get(resident_id),
            )
        )  # fmt: skip
    for _pk, _kind, _resident, holder, alternate_id, name, *_kind_name in seats:
        if alternate_id and alternate_id not in listed:
            listed.add(alternate_id)
            entries.append(
                (
                    f"r{alternate_id}", name, AttendanceRole.ALTERNATE,
                    _("alternate"), _("for %(name)s") % {"name": holder},
                    alternate_id, None, by_resident.get(alternate_id),
                )
            )  # fmt: skip
    for pk, resident_id, resident_name, org_name, outside, item_title in invitations:
        if resident_id:
            if resident_id in listed:
                continue
            listed.add(resident_id)
            entry = (
                f"r{resident_id}", resident_name, resident_id, None,
                by_resident.get(resident_id),
            )  # fmt: skip
        else:
            entry = (f"i{pk}", org_name or outside, None, pk, by_invitation.get(pk))
        key, name, rid, iid, attendance = entry
        entries.append(
            (
                key, name, AttendanceRole.STAKEHOLDER,
                AttendanceRole.STAKEHOLDER.label, item_title, rid, iid, attendance,
            )
        )  # fmt: skip
    for attendance in attendances:
        pk, resident_id, invitation_id, role = attendance[:4]
        if role == AttendanceRole.OBSERVER and (
            resident_id not in listed or not resident_id
        ):
            if resident_id:
                name = attendance[6]
            elif invitation_id:
                name = attendance[9] or attendance[7] or attendance[8]
            else:
                name = attendance[5]
            entries.append(
                (f"a{pk}", name, "observer", AttendanceRole.OBSERVER.label, "",
                 resident_id, None, attendance)
            )  # fmt: skip
    present_count = sum(
        1 for entry in entries if entry[7] and entry[7][4] in PRESENT_STATUSES
    )
    shown = [e for e in entries if query in (e[1] or "")] if query else entries
    page_obj = Paginator(shown, page_size).get_page(page)
    wanted = [entry[7][0] for entry in page_obj.object_list if entry[7]]
    changes = AttendanceChange.objects.select_related("changed_by").order_by(
        "changed_at", "pk"
    )
    loaded = {
        attendance.pk: attendance
        for attendance in Attendance.objects.filter(pk__in=wanted)
        .select_related("resident", "invitation__organization", "checked_in_by")
        .prefetch_related(Prefetch("changes", queryset=changes))
    }
    page_obj.object_list = [
        CheckInRow(
            key=key,
            name=name,
            role=role,
            role_label=str(label),
            detail=str(detail),
            attendance=loaded.get(attendance[0]) if attendance else None,
            resident_id=resident_id,
            invitation_id=invitation_id,
        )
        for (
            key, name, role, label, detail, resident_id, invitation_id, attendance,
        ) in page_obj.object_list
    ]  # fmt: skip
    return {
        "page": page_obj,
        "expected_count": len(entries),
        "present_count": present_count,
        "quorum": meeting_quorum(meeting),
    }


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
