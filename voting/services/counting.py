"""Closing and tallying: quorum, threshold, the stored result."""

import random
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from council.models import (
    PassingThreshold,
)
from topics.services import topic_record_vote

from ..clock import database_now
from ..models import (
    Ballot,
    BallotReceipt,
    Option,
    OptionCode,
    RoundEventKind,
    RoundKind,
    RoundResult,
    RoundStatus,
    VotingRound,
    quorum_required,
)
from ..selectors import COMMUNITY_ROUNDS
from .common import (
    _CHUNK,
    _event,
    _locked,
    ballot_hash,
    ballot_lines,
)

# -- closing and tallying ----------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    counts: dict[int, int]
    ballots_cast: int
    quorum_required: int
    quorum_met: bool
    winners: list[int]
    passed: bool


def tally(*, voting_round: VotingRound, options: list[Option], choices) -> Tally:
    """Count the ballots and apply the quorum and the threshold (a tie fails).

    Simple majority: more than half of the ballots, abstentions not counted (for
    beats against). Two thirds: at least two thirds of all ballots cast. In a
    choice vote an option wins on the same share of the ballots; in multiple
    choice at most `max_choices` options win, and options tied at that cut win
    none of the remaining places.
    """
    counts = {option.pk: 0 for option in options}
    ballots = 0
    for option_ids in choices:
        ballots += 1
        for pk in option_ids:
            counts[int(pk)] += 1
    required = quorum_required(voting_round.quorum_rule, voting_round.electorate_size)
    quorum_met = ballots > 0 and ballots >= required
    two_thirds = voting_round.passing_threshold == PassingThreshold.TWO_THIRDS

    def enough(votes: int, against: int | None = None) -> bool:
        if two_thirds:
            return ballots > 0 and 3 * votes >= 2 * ballots
        if against is not None:
            return votes > against
        return 2 * votes > ballots

    winners: list[int] = []
    if voting_round.kind == RoundKind.APPROVAL:
        by_code = {option.code: option.pk for option in options}
        votes_for = counts[by_code[OptionCode.FOR]]
        votes_against = counts[by_code[OptionCode.AGAINST]]
        if enough(votes_for, votes_against):
            winners = [by_code[OptionCode.FOR]]
    else:
        ranked = sorted(options, key=lambda o: (-counts[o.pk], o.position))
        qualifying = [o for o in ranked if counts[o.pk] > 0 and enough(counts[o.pk])]
        places = voting_round.choices_allowed
        if len(qualifying) > places:
            cut = counts[qualifying[places - 1].pk]
            if counts[qualifying[places].pk] == cut:
                qualifying = [o for o in qualifying if counts[o.pk] > cut]
            else:
                qualifying = qualifying[:places]
        winners = [o.pk for o in qualifying]
    return Tally(
        counts=counts,
        ballots_cast=ballots,
        quorum_required=required,
        quorum_met=quorum_met,
        winners=winners,
        passed=quorum_met and bool(winners),
    )


def result_summary(*, voting_round: VotingRound, result: RoundResult) -> str:
    """One line for the topic's history, e.g. 表决通过：同意 5，反对 1，弃权 0。"""
    options = list(voting_round.options.all())
    counts = "，".join(
        f"{option.label} {result.count_for(option)}" for option in options
    )
    if result.passed:
        if voting_round.kind == RoundKind.APPROVAL:
            verdict = _("Passed")
        else:
            chosen = [o.label for o in options if o.pk in result.winners]
            verdict = _("Chosen: %(options)s") % {"options": "、".join(chosen)}
    elif not result.quorum_met:
        verdict = _("Not passed: the quorum was not met")
    else:
        verdict = _("Not passed")
    turnout = _("%(cast)d of %(size)d voted") % {
        "cast": result.ballots_cast,
        "size": result.electorate_size,
    }
    return f"{verdict}：{counts}（{turnout}）"


@transaction.atomic
def round_close(*, voting_round: VotingRound, now: datetime | None = None) -> bool:
    """Close a vote whose deadline has passed, tally it and keep the result.

    Locks the round row: a ballot in flight is either counted or refused, never
    half of either. Idempotent: returns False and does nothing when the round is
    not open or its deadline (by the database's clock) has not come. Secret
    ballots are rewritten in random order, so the table keeps no trace of the order
    of voting. Records the result on the topic; the electorate and the topic's
    followers are told once the transaction commits.
    """
    voting_round = _locked(voting_round)
    if voting_round.status != RoundStatus.OPEN:
        return False
    now = now or database_now()
    if now < voting_round.closes_at:
        return False
    options = list(voting_round.options.order_by("position"))
    if voting_round.is_secret:
        rows = list(
            Ballot.objects.filter(voting_round=voting_round).values_list(
                "options", "code", "salt"
            )
        )
        Ballot.objects.filter(voting_round=voting_round).delete()
        random.SystemRandom().shuffle(rows)
        Ballot.objects.bulk_create(
            (
                Ballot(voting_round=voting_round, options=o, code=c, salt=s)
                for o, c, s in rows
            ),
            batch_size=_CHUNK,
        )
    else:
        rows = list(
            BallotReceipt.objects.filter(voting_round=voting_round).values_list(
                "options", "code", "salt"
            )
        )
    counted = tally(
        voting_round=voting_round,
        options=options,
        choices=(option_ids for option_ids, _code, _salt in rows),
    )
    lines = ballot_lines(
        voting_round=voting_round,
        rows=((option_ids, code) for option_ids, code, _salt in rows),
    )
    result = RoundResult.objects.create(
        voting_round=voting_round,
        counts={str(pk): n for pk, n in counted.counts.items()},
        ballots_cast=counted.ballots_cast,
        electorate_size=voting_round.electorate_size,
        quorum_rule=voting_round.quorum_rule,
        quorum_required=counted.quorum_required,
        quorum_met=counted.quorum_met,
        passing_threshold=voting_round.passing_threshold,
        passed=counted.passed,
        winners=counted.winners,
        ballot_hash=ballot_hash(voting_round=voting_round, lines=lines),
        tallied_at=now,
    )
    voting_round.status = RoundStatus.CLOSED
    voting_round.closed_at = now
    voting_round.save(update_fields=["status", "closed_at"])
    COMMUNITY_ROUNDS.changed(str(voting_round.community_id))
    _event(
        voting_round,
        RoundEventKind.CLOSED,
        ballots_cast=result.ballots_cast,
        passed=result.passed,
    )
    topic = voting_round.agenda_item.topic
    if topic is not None:
        with translation.override(settings.LANGUAGE_CODE):
            summary = result_summary(voting_round=voting_round, result=result)
        topic_record_vote(
            topic=topic,
            result=f"{voting_round.question}：{summary}"[:2000],
            meeting=voting_round.meeting.title,
            link=voting_round.get_result_url(),
        )
    from ..tasks import notify_round_result

    pk = voting_round.pk
    transaction.on_commit(lambda: notify_round_result.delay(pk), robust=True)
    return True


def rounds_close_due(*, now: datetime | None = None) -> int:
    """Close every open round whose deadline has passed; return how many."""
    now = now or database_now()
    closed = 0
    for pk in VotingRound.objects.due_to_close(now).values_list("pk", flat=True):
        closed += round_close(voting_round=VotingRound(pk=pk), now=now)
    return closed
