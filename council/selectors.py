"""Reads for council pages: each runs a fixed number of queries."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.display import local_day, next_local_midnight, time_left_changes_at
from core.fragments import SharedFragments
from core.prepared import PreparedQuery
from residents.models import Resident
from residents.selectors import COMMUNITY_RESIDENTS, HOME_ORGANIZATIONS
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


# The home page's council section (the next meeting) is the same for everyone who
# sees the community alike, so it is kept rendered per community until a meeting
# service changes one of its meetings: each says so with
# COMMUNITY_MEETINGS.changed(community id); the countdown moves on its own
# (core.fragments.Expiring).
COMMUNITY_MEETINGS = SharedFragments("community-meetings", timeout=10 * 60)

# The council page is the same for everyone who sees the community alike, so it
# is kept rendered per community until a charter or seat service changes the
# council (each says so with COMMUNITY_COUNCIL.changed(community id)), or the day
# ends: which seats are current depends on the date. A seat holder renamed shows
# within the timeout.
COMMUNITY_COUNCIL = SharedFragments("community-council", timeout=10 * 60)

# The meeting page is the same for everyone who sees the community alike, apart
# from their own invitations: it is kept rendered per meeting until a service
# changes the meeting, its agenda, its invitations or its attendance (each says so
# with MEETING_PAGES.changed(meeting id), through services.meeting_page_changed),
# or the council's seats (COMMUNITY_COUNCIL); the timeline moves on its own
# (core.fragments.Expiring, meeting_page_changes_at).
MEETING_PAGES = SharedFragments("meeting-pages", timeout=10 * 60)

# A meeting's check-in list (its first pages, no search) is the same for everyone
# who sees the community alike, so it is kept rendered per community, meeting and
# viewer until what it shows changes: a check-in, an invitation or the agenda's
# order (their services say so through services.meeting_page_changed); the
# seats and the quorum rules (it follows COMMUNITY_COUNCIL); a resident's record
# or an organisation (it follows the residents app's announcements). The
# meeting's own status, date and title are read with each request and are part
# of what it is kept by.
MEETING_CHECK_IN = SharedFragments(
    "meeting-check-in",
    timeout=10 * 60,
    follows=(COMMUNITY_COUNCIL, COMMUNITY_RESIDENTS, HOME_ORGANIZATIONS),
)


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


def _meeting_row(community_id: int, pk: int):
    return Meeting.objects.filter(community_id=community_id, pk=pk).order_by()


# The kept meeting page and check-in list read the meeting's row alone, on every
# visit: its SQL is built once.
_meeting_row_query = PreparedQuery(
    _meeting_row, samples=(-2_147_483_031, -2_147_483_032)
)


def meeting_alone_visible_to(*, user, community, pk: int) -> Meeting | None:
    """The meeting's row if `user` may see it (as meetings_visible_to), else None;
    its community the caller's."""
    found = _meeting_row_query(community.pk, int(pk))
    if not found:
        return None
    meeting = found[0]
    if meeting.status == MeetingStatus.DRAFT and not user.has_perm(
        "council.view_draft_meetings", community
    ):
        return None
    meeting.community = community
    return meeting


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


def meeting_detail(*, meeting: Meeting):
    """What the meeting page shows everyone alike, in a fixed number of queries.

    Counts and the quorum come from the database: the page loads no seat,
    invitation or attendance row. A reader's own invitations are
    meeting_invitations_of's.
    """
    # Prefetched onto the meeting, so the sections other apps add to the page
    # (outcomes lists the items too) read them with meeting.agenda_items.all().
    prefetch_related_objects(
        [meeting],
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.select_related("topic")
            .annotate(invitation_count=Count("invitations"))
            .order_by("position", "pk"),
        ),
    )
    items = list(meeting.agenda_items.all())
    quorum = meeting_quorum(meeting)
    return {
        "items": items,
        "seat_count": quorum.seated,
        "quorum": quorum,
        "timeline": meeting_timeline(meeting),
        "invitation_count": sum(item.invitation_count for item in items),
    }


def meeting_invitees(meeting: Meeting) -> tuple[frozenset[int], bool]:
    """The residents invited to the meeting, and whether any organisation is: who
    may have invitations of their own to answer (one query)."""
    invited = set(
        Invitation.objects.filter(meeting=meeting).values_list(
            "resident_id", "organization_id"
        )
    )
    residents = frozenset(r for r, _org in invited if r is not None)
    return residents, any(org is not None for _r, org in invited)


def meeting_invitations_of(*, meeting: Meeting, resident: Resident):
    """`resident`'s invitations to the meeting: their own, and their organisations'."""
    return list(
        Invitation.objects.filter(meeting=meeting)
        .filter(
            Q(resident=resident)
            | Q(organization__in=resident.organizations.values("pk"))
        )
        .select_related("agenda_item", "resident", "organization")
        .order_by("agenda_item__position", "agenda_item_id", "pk")
    )


def meeting_page_changes_at(meeting: Meeting, now: datetime) -> datetime | None:
    """The next moment the meeting page reads differently with no write: a phase
    of its timeline begins or ends, its countdown ticks, or the day changes
    (opening it today may ask for confirmation, and no longer tomorrow)."""
    timeline = meeting_timeline(meeting, now)
    moments = [next_local_midnight(now)]
    for phase in timeline["phases"]:
        moments += [phase.starts, phase.ends]
    if timeline["next_deadline"]:
        moments.append(time_left_changes_at(timeline["next_deadline"][0], now))
    # A moment now (a countdown about to tick) keeps nothing.
    return min(m for m in moments if m is not None and m >= now)


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


def _expected_parts(meeting: Meeting, on) -> list[QuerySet]:
    """Who is expected, one row per reason, in the check-in list's columns.

    Each part says (part, order…, resident, invitation, observer's attendance,
    name, seat kind, holder's name, agenda item); check_in_page keeps each
    person's first row: representatives, then alternates, then stakeholders who
    have not declined, then observers not listed otherwise.
    """
    none = Cast(Value(None), BigIntegerField())  # a typed NULL, for UNION
    blank = Value("", output_field=CharField())

    def columns(queryset, part, o1, o2, o3, rid, iid, aid, name, kind, holder, item):
        named = {
            "c_part": Value(part, output_field=IntegerField()),
            "c_o1": o1, "c_o2": o2, "c_o3": o3,
            "c_rid": rid, "c_iid": iid, "c_aid": aid, "c_name": name,
            "c_kind": kind, "c_holder": holder, "c_item": item,
        }  # fmt: skip
        return queryset.order_by().annotate(**named).values_list(*named)

    seats = Seat.objects.filter(council_id=meeting.council_id).current(on=on)
    invitations = Invitation.objects.filter(meeting=meeting).exclude(
        status=InvitationStatus.DECLINED
    )
    observers = Attendance.objects.filter(meeting=meeting, role=AttendanceRole.OBSERVER)
    return [
        columns(
            seats, 0, F("kind__position"), F("kind_id"), F("pk"), F("resident_id"),
            none, none, F("resident__name"), F("kind_id"), blank, blank,
        ),
        columns(
            seats.filter(alternate__isnull=False), 1, F("kind__position"),
            F("kind_id"), F("pk"), F("alternate_id"), none, none,
            F("alternate__name"), F("kind_id"), F("resident__name"), blank,
        ),
        columns(
            invitations, 2, F("agenda_item__position"), F("pk"), Value(0),
            F("resident_id"),
            Case(When(resident__isnull=True, then=F("pk")), default=none),
            none,
            Coalesce(
                F("resident__name"), F("organization__name"), F("outside_name")
            ),
            none, blank, F("agenda_item__title"),
        ),
        columns(
            observers, 3, F("pk"), Value(0), Value(0), F("resident_id"), none,
            F("pk"),
            Coalesce(
                F("resident__name"), F("invitation__resident__name"),
                NullIf(F("invitation__organization__name"), Value("")),
                NullIf(F("invitation__outside_name"), Value("")), F("name"),
            ),
            none, blank, blank,
        ),
    ]  # fmt: skip


class _CheckInRows:
    """The deduplicated check-in list in SQL: its counts, and one page at a time.

    Paginator asks for len() and then one slice. The slice asked for first comes
    with the counts in one query (window counts beside the page's rows), so a
    page costs one query whatever the meeting's size; a page past the end costs
    a count and the last page.
    """

    COLUMNS = "c_part, c_rid, c_iid, c_aid, c_name, c_kind, c_holder, c_item, att_id"

    def __init__(self, meeting: Meeting, query: str, *, first: slice):
        parts = [
            q.query.sql_with_params()
            for q in _expected_parts(meeting, local_day(meeting.starts_at))
        ]
        union = " UNION ALL ".join(
            f"SELECT * FROM ({sql}) p{i}" for i, (sql, _) in enumerate(parts)
        )
        attendance = Attendance._meta.db_table
        present = ", ".join(["%s"] * len(PRESENT_STATUSES))
        # Each person's first reason; observers' rows are their own attendance,
        # the others find theirs by resident or, for an organisation or an
        # outside guest, by invitation. Expected and present count everyone.
        self.rows = f"""
            SELECT r.*, COALESCE(a3.id, a1.id, a2.id) AS att_id,
                COUNT(*) OVER () AS expected,
                SUM(CASE WHEN COALESCE(a3.status, a1.status, a2.status)
                    IN ({present}) THEN 1 ELSE 0 END) OVER () AS present
            FROM (
                SELECT u.*, CASE WHEN u.c_rid IS NULL THEN 1 ELSE ROW_NUMBER() OVER (
                    PARTITION BY u.c_rid ORDER BY u.c_part, u.c_o1, u.c_o2, u.c_o3
                ) END AS first
                FROM ({union}) u
            ) r
            LEFT JOIN {attendance} a1 ON r.c_aid IS NULL AND r.c_rid IS NOT NULL
                AND a1.meeting_id = %s AND a1.resident_id = r.c_rid
            LEFT JOIN {attendance} a2 ON r.c_aid IS NULL AND r.c_rid IS NULL
                AND a2.meeting_id = %s AND a2.resident_id IS NULL
                AND a2.invitation_id = r.c_iid
            LEFT JOIN {attendance} a3 ON a3.id = r.c_aid
            WHERE r.first = 1
        """  # noqa: S608 - every value is a parameter; the parts are the ORM's SQL
        self.params = [
            *map(str, PRESENT_STATUSES),
            *(param for _, params in parts for param in params),
            meeting.pk,
            meeting.pk,
        ]
        self.match, self.match_params = "1 = 1", []
        if query:
            function = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
            self.match, self.match_params = f"{function}(c_name, %s) > 0", [query]
        self.first, self.first_rows = first, self._page(first)
        if self.first_rows:
            self.shown, self.expected, self.present = self.first_rows[0][-3:]
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*), MAX(expected), MAX(present) FROM ({self.rows}) e"
                    f" WHERE {self.match}",  # noqa: S608 - parameters only
                    [*self.params, *self.match_params],
                )
                self.shown, self.expected, self.present = cursor.fetchone()
            if not self.shown:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT MAX(expected), MAX(present) FROM ({self.rows}) e",  # noqa: S608
                        self.params,
                    )
                    self.expected, self.present = cursor.fetchone()
        self.expected, self.present = self.expected or 0, self.present or 0

    def _page(self, page: slice) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {self.COLUMNS}, COUNT(*) OVER (), expected, present "
                f"FROM ({self.rows}) e WHERE {self.match} "
                f"ORDER BY c_part, c_o1, c_o2, c_o3 LIMIT %s OFFSET %s",  # noqa: S608
                [*self.params, *self.match_params, page.stop - page.start, page.start],
            )
            return cursor.fetchall()

    def __len__(self) -> int:
        return self.shown

    def __getitem__(self, page: slice) -> list[tuple]:
        if page.start == self.first.start and page.stop <= self.first.stop:
            rows = self.first_rows[: page.stop - page.start]  # the last page is short
        else:
            rows = self._page(page)
        return [row[:-3] for row in rows]


_ROLES = (
    AttendanceRole.REPRESENTATIVE,
    AttendanceRole.ALTERNATE,
    AttendanceRole.STAKEHOLDER,
    AttendanceRole.OBSERVER,
)


def check_in_page(*, meeting: Meeting, query: str = "", page=1, page_size: int = 50):
    """One page of everyone expected at the meeting, with attendance and quorum.

    Representatives, their alternates, stakeholders who have not declined (each
    person once, in that order), then observers not otherwise listed. The list is
    paged and searched in the database (`query` keeps the names that contain
    it); only the page's rows and attendance, with its history, are loaded.
    """
    try:  # past the end is the last page (Paginator); beyond any list, kept in range
        number = min(max(int(page), 1), 10**9)
    except (TypeError, ValueError):
        number = 1
    first = slice((number - 1) * page_size, number * page_size)
    rows = _CheckInRows(meeting, query, first=first)
    page_obj = Paginator(rows, page_size).get_page(page)
    found = list(page_obj.object_list)
    kinds = {
        kind.pk: kind.label
        for kind in SeatKind.objects.filter(pk__in={row[5] for row in found if row[5]})
    }
    changes = AttendanceChange.objects.select_related("changed_by").order_by(
        "changed_at", "pk"
    )
    loaded = {
        attendance.pk: attendance
        for attendance in Attendance.objects.filter(
            pk__in=[row[8] for row in found if row[8]]
        )
        .select_related("resident", "invitation__organization", "checked_in_by")
        .prefetch_related(Prefetch("changes", queryset=changes))
    }
    page_obj.object_list = []
    for part, resident_id, invitation_id, own, name, kind, holder, item, att in found:
        role = _ROLES[part]
        if part == 0:
            detail = kinds.get(kind, "")
        elif part == 1:
            detail = _("for %(name)s") % {"name": holder}
        else:
            detail = item
        if own:
            key = f"a{own}"
        elif resident_id:
            key = f"r{resident_id}"
        else:
            key = f"i{invitation_id}"
        page_obj.object_list.append(
            CheckInRow(
                key=key,
                name=name or "",
                role=role,
                role_label=str(_("alternate") if part == 1 else role.label),
                detail=str(detail or ""),
                attendance=loaded.get(att) if att else None,
                resident_id=resident_id,
                invitation_id=invitation_id,
            )
        )
    return {
        "page": page_obj,
        "expected_count": rows.expected,
        "present_count": rows.present,
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
