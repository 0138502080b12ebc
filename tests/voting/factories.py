"""Helpers for voting tests: a council in session, and rounds on its agenda."""

from datetime import timedelta

from django.utils import timezone

from council import services as council_services
from tests.council.factories import in_progress, schedule, seat_council
from tests.factories import ResidentFactory, UserFactory
from voting import services
from voting.models import BallotKind, Electorate, RoundKind


def council_in_session(
    community, *, by, per_kind=1, absent=0, alternates=True, topic=None, leave_out=()
):
    """Seat the council, open a meeting and check in all representatives but `absent`.

    Returns (meeting, seats). The first `absent` holders stay away; their alternates
    (if any) are checked in standing in for them. With `topic`, the first agenda
    item is that topic. Seats whose index is in `leave_out` are not checked in (they
    check themselves in).
    """
    _council, seats = seat_council(
        community, by=by, per_kind=per_kind, alternates=alternates
    )
    meeting = schedule(community, by=by)
    if topic is not None:
        council_services.agenda_item_create(meeting=meeting, by=by, topic=topic)
    meeting = in_progress(meeting, by=by, items=0 if topic is not None else 1)
    for index, seat in enumerate(seats):
        if index < absent:
            if seat.alternate_id:
                council_services.attendance_check_in(
                    meeting=meeting, by=by, resident=seat.alternate
                )
            continue
        if index in leave_out:
            continue
        council_services.attendance_check_in(
            meeting=meeting, by=by, resident=seat.resident
        )
    return meeting, seats


def with_login(resident):
    """Give a resident a login (so they can vote online); return the user."""
    if resident.user_id:
        return resident.user
    user = UserFactory(display_name=resident.name)
    from residents.models import Membership, Role

    Membership.objects.get_or_create(
        user=user, community=resident.community, role=Role.RESIDENT
    )
    resident.user = user
    resident.save(update_fields=["user"])
    return user


def make_round(
    meeting,
    *,
    by,
    minutes=30,
    kind=RoundKind.APPROVAL,
    ballot=BallotKind.OPEN,
    electorate=Electorate.REPRESENTATIVES,
    options=(),
    max_choices=1,
    open_it=True,
    item=None,
    **kwargs,
):
    item = item or meeting.agenda_items.order_by("position").first()
    charter = meeting.council
    default = (
        Electorate.WITH_STAKEHOLDERS
        if charter.stakeholders_vote
        else Electorate.REPRESENTATIVES
    )
    if electorate != default and electorate != Electorate.RESIDENTS:
        kwargs.setdefault("rules_note", "只由代表表决")
    voting_round = services.round_create(
        agenda_item=item,
        by=by,
        question=kwargs.pop("question", "是否同意把老村部四楼改建为儿童活动中心？"),
        closes_at=kwargs.pop("closes_at", None)
        or timezone.now() + timedelta(minutes=minutes),
        kind=kind,
        options=options,
        max_choices=max_choices,
        ballot=ballot,
        electorate=electorate,
        **kwargs,
    )
    if open_it:
        voting_round = services.round_open(voting_round=voting_round, by=by)
    return voting_round


def residents(community, n):
    return [ResidentFactory(community=community) for _ in range(n)]


def cast(voting_round, voter, code="for"):
    """The voter casts their own ballot online (given a login if they had none)."""
    return services.ballot_cast(
        voting_round=voting_round,
        voter=voter,
        choice=voting_round.options.get(code=code),
        by=with_login(voter),
    )
