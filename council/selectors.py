"""Reads for council pages: each runs a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from residents.models import Resident

from .models import (
    Attendance,
    AttendanceRole,
    Council,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    Seat,
)
from .quorum import compute_quorum, meeting_seats


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


def meeting_list(
    *, community, which: str, include_drafts: bool, page=1, page_size: int = 25
):
    meetings = Meeting.objects.filter(community=community)
    if not include_drafts:
        meetings = meetings.exclude(status=MeetingStatus.DRAFT)
    meetings = meetings.annotate(item_count=Count("agenda_items", distinct=True))
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
    follow_up_end = meeting.ends_at + timedelta(days=30)
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
    if meeting.status == MeetingStatus.CANCELLED:
        current = None
    next_deadline = None
    if meeting.status in (
        MeetingStatus.DRAFT,
        MeetingStatus.SCHEDULED,
        MeetingStatus.COLLECTING,
        MeetingStatus.AGENDA_PUBLISHED,
    ):
        for moment, label in (
            (closes, _("until topic collection closes")),
            (meeting.starts_at, _("until the meeting")),
        ):
            if moment and moment > now:
                next_deadline = (moment, label)
                break
    return {"phases": result, "current": current, "next_deadline": next_deadline}


def meeting_detail(*, meeting: Meeting, user, resident: Resident | None):
    """Everything the meeting page shows, in a fixed number of queries."""
    invitations = Invitation.objects.select_related("resident", "organization")
    items = list(
        meeting.agenda_items.select_related("topic")
        .prefetch_related(Prefetch("invitations", queryset=invitations))
        .order_by("position", "pk")
    )
    seats = list(meeting_seats(meeting))
    attendances = list(
        Attendance.objects.filter(meeting=meeting).only(
            "resident_id", "seat_id", "role", "status"
        )
    )
    quorum = compute_quorum(
        council=meeting.council, seats=seats, attendances=attendances
    )
    my_invitations = []
    if resident is not None:
        member_org_ids = set(resident.organizations.values_list("pk", flat=True))
        for item in items:
            for invitation in item.invitations.all():
                if invitation.resident_id == resident.pk or (
                    invitation.organization_id in member_org_ids
                ):
                    my_invitations.append(invitation)
    invitation_count = sum(len(item.invitations.all()) for item in items)
    is_seated = resident is not None and any(
        resident.pk in (seat.resident_id, seat.alternate_id) for seat in seats
    )
    return {
        "items": items,
        "seats": seats,
        "quorum": quorum,
        "timeline": meeting_timeline(meeting),
        "my_invitations": my_invitations,
        "invitation_count": invitation_count,
        "attendance_count": sum(
            1 for a in attendances if a.status in ("in_person", "online")
        ),
        "is_seated": is_seated,
    }


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


def check_in_rows(*, meeting: Meeting):
    """Everyone expected at the meeting with their attendance, and the quorum."""
    seats = list(meeting_seats(meeting))
    attendances = list(
        Attendance.objects.filter(meeting=meeting).select_related(
            "resident", "invitation__organization", "checked_in_by"
        )
    )
    by_resident = {a.resident_id: a for a in attendances if a.resident_id}
    by_invitation = {
        a.invitation_id: a for a in attendances if a.invitation_id and not a.resident_id
    }
    rows: list[CheckInRow] = []
    listed_residents = set()
    for seat in seats:
        rows.append(
            CheckInRow(
                key=f"r{seat.resident_id}",
                name=seat.resident.name,
                role="representative",
                role_label=str(AttendanceRole.REPRESENTATIVE.label),
                detail=seat.kind.label,
                attendance=by_resident.get(seat.resident_id),
                resident_id=seat.resident_id,
            )
        )
        listed_residents.add(seat.resident_id)
    for seat in seats:
        if seat.alternate_id and seat.alternate_id not in listed_residents:
            rows.append(
                CheckInRow(
                    key=f"r{seat.alternate_id}",
                    name=seat.alternate.name,
                    role="alternate",
                    role_label=str(_("alternate")),
                    detail=_("for %(name)s") % {"name": seat.resident.name},
                    attendance=by_resident.get(seat.alternate_id),
                    resident_id=seat.alternate_id,
                )
            )
            listed_residents.add(seat.alternate_id)
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .exclude(status=InvitationStatus.DECLINED)
        .select_related("resident", "organization", "agenda_item")
        .order_by("agenda_item__position", "pk")
    )
    for invitation in invitations:
        if invitation.resident_id:
            if invitation.resident_id in listed_residents:
                continue
            listed_residents.add(invitation.resident_id)
            attendance = by_resident.get(invitation.resident_id)
            key = f"r{invitation.resident_id}"
        else:
            attendance = by_invitation.get(invitation.pk)
            key = f"i{invitation.pk}"
        rows.append(
            CheckInRow(
                key=key,
                name=invitation.invitee_name,
                role="stakeholder",
                role_label=str(AttendanceRole.STAKEHOLDER.label),
                detail=invitation.agenda_item.title,
                attendance=attendance,
                resident_id=invitation.resident_id,
                invitation_id=None if invitation.resident_id else invitation.pk,
            )
        )
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


def resident_lookup(*, community, text: str, by_mobile: bool = True):
    """Find one resident by mobile number or exact name; return (resident, error).

    Without `by_mobile` (anyone but staff, who see masked numbers) a number alone
    finds no one, as it would tell whose number it is; the full name followed by
    the number does.
    """
    text = (text or "").strip()
    if not text:
        return None, None
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    residents = Resident.objects.filter(community=community)
    if not by_mobile and len(digits) >= 11:
        name = "".join(ch for ch in text if not ch.isdigit()).strip(" +-")
        if not name:
            return None, _(
                "Only community staff can find a resident by mobile number alone: "
                "write the full name as well."
            )
        match = list(residents.filter(name=name, mobile=digits[-11:])[:2])
    elif len(digits) == 11 and len(digits) >= len(text.replace(" ", "")) - 3:
        match = list(residents.filter(mobile=digits[-11:])[:2])
    else:
        match = list(residents.filter(Q(name=text))[:2])
    if len(match) == 1:
        return match[0], None
    if not match:
        return None, _(
            "No resident of this community is called or has the number %(text)s."
        ) % {"text": text}
    if not by_mobile:
        return None, _(
            "Several residents are called %(text)s: write the full name and their "
            "mobile number."
        ) % {"text": text}
    return None, _(
        "Several residents are called %(text)s: type the mobile number instead."
    ) % {"text": text}


def meeting_participants(meeting: Meeting) -> list[Resident]:
    """Everyone invited who has not declined: representatives, alternates, stakeholders.

    Representatives and alternates hold seats current on the meeting's date; an
    organisation's invitation reaches its member residents.
    """
    people: dict[int, Resident] = {}
    for seat in meeting_seats(meeting):
        people.setdefault(seat.resident_id, seat.resident)
        if seat.alternate_id:
            people.setdefault(seat.alternate_id, seat.alternate)
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .exclude(status=InvitationStatus.DECLINED)
        .select_related("resident", "organization")
        .prefetch_related("organization__members")
    )
    for invitation in invitations:
        if invitation.resident_id:
            people.setdefault(invitation.resident_id, invitation.resident)
        elif invitation.organization_id:
            for member in invitation.organization.members.all():
                people.setdefault(member.pk, member)
    return list(people.values())
