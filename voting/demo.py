"""Demo votes: the October meeting's closed vote on the children's centre, with its
result, and one open consultation before the December meeting.

Called by `manage.py seed_demo` after council.demo; idempotent: a community that
already has votes is left as it is. The October vote lies in the past, so its rows
are written as they would have been at the meeting, then closed and counted by
round_close like any other.
"""

import secrets
from datetime import timedelta

from django.utils import timezone

from council.models import PRESENT_STATUSES, Attendance, Meeting, MeetingStatus
from council.quorum import meeting_seats
from residents.models import Resident
from topics.models import Topic

from . import services
from .models import (
    BallotKind,
    BallotReceipt,
    CastVia,
    Elector,
    Electorate,
    ElectorRole,
    Option,
    OptionCode,
    RoundEvent,
    RoundEventKind,
    RoundKind,
    RoundQuorum,
    RoundStatus,
    VotingRound,
)
from .services.common import receipt_code

CENTRE_TOPIC = "旧村部四楼改成儿童活动中心"


def _write(context, line):
    writer = context.get("stdout")
    if writer:
        writer(line)


def _october_vote(meeting, by) -> VotingRound | None:
    item = meeting.agenda_items.order_by("position").first()
    seats = list(meeting_seats(meeting))
    if item is None or not seats:
        return None
    topic = Topic.objects.filter(
        community=meeting.community, title=CENTRE_TOPIC
    ).first()
    if item.topic_id is None and topic is not None:
        # The council demo adds the item as free text; it is this topic.
        type(item).objects.filter(pk=item.pk).update(topic=topic)
        item.topic = topic
    council = meeting.council
    opens_at = meeting.starts_at + timedelta(minutes=40)
    closes_at = opens_at + timedelta(minutes=10)
    voting_round = VotingRound.objects.create(
        community=meeting.community,
        meeting=meeting,
        agenda_item=item,
        question="是否同意把老村部四楼改建为儿童活动中心，图书由村民众筹？",
        kind=RoundKind.APPROVAL,
        ballot=BallotKind.OPEN,
        electorate=Electorate.REPRESENTATIVES,
        opens_at=opens_at,
        closes_at=closes_at,
        quorum_rule=council.quorum_rule,
        passing_threshold=council.passing_threshold,
        rules_note="" if not council.stakeholders_vote else "学校代表列席，不参加表决",
        status=RoundStatus.OPEN,
        electorate_size=len(seats),
        opened_at=opens_at,
        opened_by=by,
        announced_at=opens_at,
        created_by=by,
        created_at=opens_at - timedelta(minutes=5),
        # The meeting is long over: nobody needs to be told again now.
        result_notified_at=closes_at,
    )
    options = {
        code: Option.objects.create(voting_round=voting_round, position=n, code=code)
        for n, code in enumerate(OptionCode.values, start=1)
    }
    Elector.objects.bulk_create(
        Elector(
            voting_round=voting_round,
            resident_id=seat.resident_id,
            role=ElectorRole.REPRESENTATIVE,
            seat=seat,
        )
        for seat in seats
    )
    present = set(
        Attendance.objects.filter(
            meeting=meeting, status__in=PRESENT_STATUSES
        ).values_list("resident_id", flat=True)
    )
    voters = [seat.resident_id for seat in seats if seat.resident_id in present]
    choices = ["for"] * max(len(voters) - 2, 0) + ["against", "abstain"]
    for n, (resident_id, code) in enumerate(zip(voters, choices, strict=False)):
        option = options[code]
        salt = secrets.token_hex(16)
        BallotReceipt.objects.create(
            voting_round=voting_round,
            voter_id=resident_id,
            via=CastVia.PROXY if n == 0 else CastVia.WEB,
            cast_by=by if n == 0 else None,
            options=[option.pk],
            code=receipt_code(voting_round.pk, [option.position], salt),
            salt=salt,
            cast_at=opens_at + timedelta(minutes=1 + n // 3),
        )
    if voting_round.rules_note:
        RoundEvent.objects.create(
            voting_round=voting_round,
            kind=RoundEventKind.RULES_CHANGED,
            actor=by,
            note=voting_round.rules_note,
            created_at=opens_at,
        )
    RoundEvent.objects.create(
        voting_round=voting_round,
        kind=RoundEventKind.OPENED,
        actor=by,
        created_at=opens_at,
        payload={"electorate_size": len(seats)},
    )
    services.round_close(voting_round=voting_round, now=closes_at)
    return voting_round


def _december_consultation(meeting, by) -> VotingRound | None:
    item = meeting.agenda_items.order_by("position").first()
    if item is None:
        return None
    closes_at = meeting.starts_at - timedelta(days=1)
    voting_round = services.round_create(
        agenda_item=item,
        by=by,
        question="儿童活动中心什么时候开放最方便？",
        kind=RoundKind.SINGLE,
        options=["周末全天", "工作日放学后（16:30-18:30）", "两者都要"],
        ballot=BallotKind.SECRET,
        electorate=Electorate.RESIDENTS,
        closes_at=closes_at,
        quorum_rule=RoundQuorum.NONE,
        rules_note="全体居民意见征集，不设法定人数",
    )
    voting_round = services.round_open(voting_round=voting_round, by=by)
    # Demo data need not text four thousand residents: count them as told.
    VotingRound.objects.filter(pk=voting_round.pk).update(announced_at=timezone.now())
    options = list(voting_round.options.all())
    electors = (
        Resident.objects.filter(community=meeting.community, user__isnull=True)
        .exclude(mobile="")
        .order_by("pk")[:36]
    )
    for n, resident in enumerate(electors):
        services.ballot_cast(
            voting_round=voting_round,
            voter=resident,
            choice=options[(n * 7) % len(options)],
            by=None,
            via_link=True,
        )
    return voting_round


def seed(context: dict) -> None:
    community = context.get("community")
    if community is None or VotingRound.objects.filter(community=community).exists():
        return
    by = context.get("users", {}).get("staff")
    meetings = Meeting.objects.filter(community=community)
    past = meetings.filter(status=MeetingStatus.CONCLUDED).order_by("starts_at").first()
    upcoming = meetings.upcoming().order_by("starts_at").first()
    made = []
    if past is not None:
        made.append(_october_vote(past, by))
    if upcoming is not None:
        made.append(_december_consultation(upcoming, by))
    made = [r for r in made if r is not None]
    if made:
        _write(
            context,
            f"{community.name}: {len(made)} votes ({', '.join(r.question[:12] for r in made)})",
        )
