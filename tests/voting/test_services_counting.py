"""Closing and tallying: idempotent close, the sweep, thresholds, the topic, notices."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from council.models import PassingThreshold
from notifications.models import Channel, Delivery, Notification
from tests.factories import ResidentFactory
from tests.topics.factories import TopicFactory
from tests.voting.factories import council_in_session, make_round, with_login
from topics import services as topic_services
from topics.models import TopicEvent, TopicEventKind
from voting import services
from voting.models import (
    BallotKind,
    Electorate,
    RoundKind,
    RoundQuorum,
    RoundResult,
    RoundStatus,
    VotingRound,
)

pytestmark = pytest.mark.django_db


def vote(voting_round, voters, codes):
    """Cast one ballot per voter: codes are option codes or option texts."""
    options = list(voting_round.options.all())
    for voter, code in zip(voters, codes, strict=False):
        wanted = code if isinstance(code, tuple | list) else [code]
        choice = [o for o in options if o.code in wanted or o.text in wanted]
        services.ballot_cast(
            voting_round=voting_round, voter=voter, choice=choice, by=with_login(voter)
        )


def after(voting_round, seconds=1):
    return voting_round.closes_at + timedelta(seconds=seconds)


def close(voting_round) -> RoundResult:
    assert services.round_close(voting_round=voting_round, now=after(voting_round))
    return RoundResult.objects.get(voting_round=voting_round)


@pytest.fixture
def voters(seats):
    return [seat.resident for seat in seats]


def test_closing_before_the_deadline_does_nothing(meeting, staff_user):
    voting_round = make_round(meeting, by=staff_user)
    assert not services.round_close(
        voting_round=voting_round,
        now=voting_round.closes_at - timedelta(microseconds=1),
    )
    voting_round.refresh_from_db()
    assert voting_round.status == RoundStatus.OPEN
    assert not RoundResult.objects.exists()


def test_a_round_closed_twice_is_tallied_once(
    community, staff_user, django_capture_on_commit_callbacks
):
    topic = TopicFactory(community=community, title="旧村部四楼改成儿童活动中心")
    meeting, seats = council_in_session(community, by=staff_user, topic=topic)
    voting_round = make_round(meeting, by=staff_user)
    vote(voting_round, [s.resident for s in seats], ["for"] * 5 + ["against"])
    with django_capture_on_commit_callbacks(execute=False):
        first = services.round_close(voting_round=voting_round, now=after(voting_round))
        second = services.round_close(
            voting_round=voting_round, now=after(voting_round, 60)
        )
    assert (first, second) == (True, False)
    assert RoundResult.objects.count() == 1
    voting_round.refresh_from_db()
    assert voting_round.closed_at == after(voting_round)
    events = TopicEvent.objects.filter(topic=topic, kind=TopicEventKind.VOTED)
    assert events.count() == 1
    assert "同意 5" in events.get().note or "for 5" in events.get().note
    assert events.get().payload["link"] == voting_round.get_result_url()


def test_the_sweep_closes_a_round_whose_eta_task_was_lost(
    meeting, staff_user, python_clock
):
    voting_round = make_round(meeting, by=staff_user, minutes=5)
    later = make_round(meeting, by=staff_user, minutes=60)
    # No worker ran the ETA task; beat's minute sweep finds the round.
    with time_machine.travel(
        voting_round.closes_at + timedelta(seconds=30), tick=False
    ):
        assert services.rounds_close_due() == 1
        assert services.rounds_sweep()["closed"] == 0
    voting_round.refresh_from_db()
    later.refresh_from_db()
    assert voting_round.status == RoundStatus.CLOSED
    assert later.status == RoundStatus.OPEN


@pytest.mark.parametrize(
    ("threshold", "ballots", "passed"),
    [
        (PassingThreshold.SIMPLE_MAJORITY, ["for"] * 3 + ["against"] * 2, True),
        (PassingThreshold.SIMPLE_MAJORITY, ["for"] * 2 + ["against"] * 2, False),
        # abstentions are not counted: 2 for, 1 against
        (
            PassingThreshold.SIMPLE_MAJORITY,
            ["for"] * 2 + ["against"] + ["abstain"] * 3,
            True,
        ),
        (PassingThreshold.TWO_THIRDS, ["for"] * 4 + ["against"] * 2, True),
        (PassingThreshold.TWO_THIRDS, ["for"] * 3 + ["against"] + ["abstain"], False),
        (PassingThreshold.TWO_THIRDS, ["for"] * 4 + ["abstain"] * 2, True),
    ],
)
def test_the_threshold_decides_and_a_tie_fails(
    meeting, staff_user, voters, threshold, ballots, passed
):
    voting_round = make_round(
        meeting,
        by=staff_user,
        passing_threshold=threshold,
        rules_note="按此规则",
    )
    vote(voting_round, voters, ballots)
    result = close(voting_round)
    assert result.ballots_cast == len(ballots)
    assert result.passed is passed
    assert result.quorum_met


def test_without_quorum_nothing_passes(meeting, staff_user, voters):
    voting_round = make_round(meeting, by=staff_user)
    assert voting_round.quorum_rule == RoundQuorum.TWO_THIRDS
    vote(voting_round, voters, ["for"] * 3)
    result = close(voting_round)
    assert (result.ballots_cast, result.electorate_size) == (3, 6)
    assert result.quorum_required == 4
    assert not result.quorum_met and not result.passed
    assert result.turnout_percent == 50


def test_a_single_choice_needs_more_than_half_and_a_tie_for_first_fails(
    meeting, staff_user, voters
):
    names = ["童乐园", "小书房", "成长屋"]
    first = make_round(meeting, by=staff_user, kind=RoundKind.SINGLE, options=names)
    vote(first, voters, ["童乐园"] * 4 + ["小书房", "成长屋"])
    result = close(first)
    assert result.passed
    assert result.winners == [first.options.get(text="童乐园").pk]
    tied = make_round(meeting, by=staff_user, kind=RoundKind.SINGLE, options=names)
    vote(tied, voters, ["童乐园"] * 3 + ["小书房"] * 3)
    result = close(tied)
    assert not result.passed and result.winners == []


def test_multiple_choice_wins_up_to_the_maximum_and_a_tie_at_the_cut_wins_none(
    meeting, staff_user, voters
):
    names = ["图书角", "作业辅导", "手工课", "电影日"]
    voting_round = make_round(
        meeting, by=staff_user, kind=RoundKind.MULTIPLE, options=names, max_choices=2
    )
    # 图书角 6, 作业辅导 4, 手工课 2 of 6 ballots: more than half chose the first two.
    vote(
        voting_round,
        voters,
        [("图书角", "作业辅导")] * 4 + [("图书角", "手工课")] * 2,
    )
    result = close(voting_round)
    by_text = {o.text: o.pk for o in voting_round.options.all()}
    assert result.counts[str(by_text["图书角"])] == 6
    assert result.winners == [by_text["图书角"], by_text["作业辅导"]]
    assert result.passed

    tied = make_round(
        meeting, by=staff_user, kind=RoundKind.MULTIPLE, options=names, max_choices=2
    )
    # 图书角, 作业辅导 and 手工课 4 each: three options for two places, all tied.
    vote(
        tied,
        voters,
        [("图书角", "作业辅导")] * 2
        + [("图书角", "手工课")] * 2
        + [("作业辅导", "手工课")] * 2,
    )
    result = close(tied)
    assert result.winners == [] and not result.passed


def test_the_stored_hash_is_the_hash_of_the_ballot_list(meeting, staff_user, voters):
    voting_round = make_round(meeting, by=staff_user)
    vote(voting_round, voters, ["for", "against", "abstain", "for"])
    result = close(voting_round)
    lines = services.ballot_lines(
        voting_round=voting_round,
        rows=voting_round.receipts.values_list("options", "code"),
    )
    assert len(lines) == 4
    assert result.ballot_hash == services.ballot_hash(
        voting_round=voting_round, lines=lines
    )
    assert len(result.ballot_hash) == 64


def test_the_electorate_and_the_topics_followers_are_told_the_result_once(
    community, staff_user
):
    topic = TopicFactory(community=community)
    endorser = ResidentFactory(community=community)
    topic_services.endorsement_create(topic=topic, resident=endorser)
    meeting, seats = council_in_session(community, by=staff_user, topic=topic)
    voting_round = make_round(meeting, by=staff_user)
    vote(voting_round, [s.resident for s in seats], ["for"] * 6)
    close(voting_round)
    assert services.round_notify_result(voting_round=voting_round) == 8
    assert services.round_notify_result(voting_round=voting_round) == 0
    told = Notification.objects.filter(kind="voting_result")
    assert told.count() == 8
    assert {n.resident_id for n in told} == {
        *(s.resident_id for s in seats),
        topic.submitter_id,
        endorser.pk,
    }
    assert all(n.link == voting_round.get_result_url() for n in told)


def test_the_sweep_tells_the_result_when_that_task_was_lost(
    meeting, staff_user, voters, python_clock
):
    voting_round = make_round(meeting, by=staff_user, minutes=5)
    vote(voting_round, voters, ["for"] * 6)
    with time_machine.travel(after(voting_round), tick=False):
        services.rounds_sweep()
        assert not Notification.objects.filter(kind="voting_result").exists()
    with time_machine.travel(after(voting_round, 90), tick=False):
        assert services.rounds_sweep()["told"] == 1
    assert Notification.objects.filter(kind="voting_result").count() == 6


def test_the_reminder_goes_once_an_hour_before_and_only_to_those_who_have_not_voted(
    meeting, staff_user, community, python_clock
):
    ResidentFactory.create_batch(3, community=community)
    start = timezone.make_aware(datetime(2026, 11, 30, 9, 0))
    with time_machine.travel(start, tick=False):
        voting_round = make_round(
            meeting,
            by=staff_user,
            electorate=Electorate.RESIDENTS,
            closes_at=start + timedelta(hours=6),
        )
    electors = list(
        voting_round.electors.select_related("resident").order_by("resident_id")
    )
    voted = [e.resident for e in electors[:2]]
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        vote(voting_round, voted, ["for", "against"])
        assert services.round_remind(voting_round=voting_round) == 0  # too early
    with time_machine.travel(start + timedelta(hours=5, minutes=1), tick=False):
        sent = services.rounds_sweep()["reminded"]
        assert sent == 1
        assert services.round_remind(voting_round=voting_round) == 0
    reminded = Notification.objects.filter(kind="voting_reminder")
    assert reminded.count() == len(electors) - 2
    assert not reminded.filter(resident__in=voted).exists()
    sms = Delivery.objects.filter(notification__in=reminded, channel=Channel.SMS)
    assert sms.count() == reminded.exclude(resident__mobile="").count()
    assert not Delivery.objects.filter(
        notification__in=reminded, channel=Channel.EMAIL
    ).exists()
    # Each text message carries the person's own single-use link.
    first = reminded.select_related("resident").first()
    assert "/votes/link/" in first.sms_text
    links = {n.sms_text.split()[-1] for n in reminded}
    assert len(links) == reminded.count()


def test_a_reminder_due_in_quiet_hours_goes_before_them(
    meeting, staff_user, community, python_clock
):
    ResidentFactory.create_batch(2, community=community)
    start = timezone.make_aware(datetime(2026, 11, 30, 9, 0))
    closes_at = timezone.make_aware(datetime(2026, 11, 30, 23, 0))
    with time_machine.travel(start, tick=False):
        voting_round = make_round(
            meeting, by=staff_user, electorate=Electorate.RESIDENTS, closes_at=closes_at
        )
    assert timezone.localtime(voting_round.reminder_at).strftime("%H:%M") == "20:30"
    with time_machine.travel(voting_round.reminder_at, tick=False):
        assert services.rounds_sweep()["reminded"] == 1
    assert Delivery.objects.filter(
        notification__kind="voting_reminder", channel=Channel.SMS
    ).exists()


def test_announcing_tells_every_voter_once_with_their_own_link(
    meeting, staff_user, voters
):
    voting_round = make_round(meeting, by=staff_user)
    assert services.round_announce(voting_round=voting_round) == 6
    assert services.round_announce(voting_round=voting_round) == 0
    told = Notification.objects.filter(kind="voting_open")
    assert told.count() == 6
    assert all("/votes/link/" in n.sms_text for n in told)


def test_closing_a_secret_round_counts_from_the_ballots_not_the_receipts(
    meeting, staff_user, voters
):
    voting_round = make_round(meeting, by=staff_user, ballot=BallotKind.SECRET)
    vote(voting_round, voters, ["for"] * 4 + ["against"] * 2)
    result = close(voting_round)
    counts = {o.code: result.count_for(o) for o in voting_round.options.all()}
    assert counts == {"for": 4, "against": 2, "abstain": 0}
    assert result.passed
    assert VotingRound.objects.get(pk=voting_round.pk).status == RoundStatus.CLOSED
