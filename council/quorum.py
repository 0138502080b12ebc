"""Quorum (法定人数) and seat-kind coverage (类别覆盖), computed from attendance.

The one place these rules live: the meeting page shows them, and voting rounds
gate on `meeting_quorum(meeting).can_vote`.

- The seated representatives are the seats current on the meeting's date.
- A seat is present when its holder is present (in person or online), or when
  its alternate is present standing in for it. A seat counts once.
- Absent with leave is not present.
- Coverage counts the distinct seat kinds with at least one seat present.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from core.display import local_day

from .models import (
    PRESENT_STATUSES,
    Attendance,
    AttendanceRole,
    Meeting,
    Seat,
)


@dataclass(frozen=True)
class QuorumReport:
    seated: int
    present: int
    required: int
    kinds_present: int
    kinds_required: int
    kinds_total: int
    present_seat_ids: frozenset = field(default_factory=frozenset)
    also: dict = field(default_factory=dict, compare=False)

    @property
    def met(self) -> bool:
        return self.seated > 0 and self.present >= self.required

    @property
    def coverage_met(self) -> bool:
        return self.kinds_present >= self.kinds_required

    @property
    def can_vote(self) -> bool:
        """Whether a vote may be opened: quorum and coverage both met."""
        return self.met and self.coverage_met

    @property
    def missing(self) -> int:
        return max(self.required - self.present, 0)


def meeting_seats(meeting: Meeting):
    """Return the seats current on the meeting's date, with kind and people."""
    on = local_day(meeting.starts_at)
    return (
        Seat.objects.filter(council_id=meeting.council_id)
        .current(on=on)
        .select_related("kind", "resident", "alternate", "organization")
        .order_by("kind__position", "kind_id", "pk")
    )


def compute_quorum(
    *,
    council,
    seats: Iterable[Seat],
    attendances: Iterable[Attendance],
) -> QuorumReport:
    """Compute quorum and coverage from already-loaded seats and attendance rows.

    For pages that list every seat anyway (the minutes): which seats were
    present is in present_seat_ids. The same rules as meeting_quorum, which
    counts in the database.
    """
    seats = list(seats)
    present_residents = set()
    standing_in_for = set()
    for attendance in attendances:
        if attendance.status not in PRESENT_STATUSES:
            continue
        if attendance.resident_id:
            present_residents.add(attendance.resident_id)
        if attendance.role == AttendanceRole.ALTERNATE and attendance.seat_id:
            standing_in_for.add(attendance.seat_id)
    present_ids = set()
    kinds_present = set()
    for seat in seats:
        if seat.resident_id in present_residents or seat.pk in standing_in_for:
            present_ids.add(seat.pk)
            kinds_present.add(seat.kind_id)
    kinds_total = len({seat.kind_id for seat in seats})
    return QuorumReport(
        seated=len(seats),
        present=len(present_ids),
        required=council.quorum_required(len(seats)),
        kinds_present=len(kinds_present),
        kinds_required=council.required_kind_coverage,
        kinds_total=kinds_total,
        present_seat_ids=frozenset(present_ids),
    )


def meeting_quorum(meeting: Meeting, **also) -> QuorumReport:
    """Return the live quorum and coverage of a meeting, counted in the database.

    One query whatever the number of seats; present_seat_ids is left empty.
    `also` names more aggregates over the meeting's current seats, to count in
    the same query; their values are in the report's `also` dict.
    """
    present = Attendance.objects.filter(
        meeting_id=meeting.pk, status__in=PRESENT_STATUSES
    )
    is_present = Q(Exists(present.filter(resident_id=OuterRef("resident_id")))) | Q(
        Exists(present.filter(role=AttendanceRole.ALTERNATE, seat_id=OuterRef("pk")))
    )
    counts = (
        Seat.objects.filter(council_id=meeting.council_id)
        .current(on=local_day(meeting.starts_at))
        .aggregate(
            seated=Count("pk"),
            present=Count("pk", filter=is_present),
            kinds_total=Count("kind_id", distinct=True),
            kinds_present=Count("kind_id", distinct=True, filter=is_present),
            **also,
        )
    )
    council = meeting.council
    return QuorumReport(
        seated=counts["seated"],
        present=counts["present"],
        required=council.quorum_required(counts["seated"]),
        kinds_present=counts["kinds_present"],
        kinds_required=council.required_kind_coverage,
        kinds_total=counts["kinds_total"],
        also={name: counts[name] for name in also},
    )
