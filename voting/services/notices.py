"""Telling people: the vote is open, a reminder, the result; the minute sweep."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from notifications.services import in_quiet_hours, notify
from residents.models import Resident
from topics.models import Comment, Endorsement

from ..clock import database_now
from ..links import link_url
from ..models import (
    BallotReceipt,
    Elector,
    RoundResult,
    RoundStatus,
    VotingRound,
)
from .common import (
    _locked,
)
from .counting import rounds_close_due

# -- telling people -----------------------------------------------------------------------


def _electors(voting_round: VotingRound, *, not_voted: bool = False):
    electors = Elector.objects.filter(voting_round=voting_round)
    if not_voted:
        electors = electors.exclude(
            resident_id__in=BallotReceipt.objects.filter(
                voting_round=voting_round
            ).values("voter_id")
        )
    return Resident.objects.filter(pk__in=electors.values("resident_id"))


def _links(voting_round: VotingRound, residents: list[Resident]) -> dict[int, str]:
    return {
        resident.pk: link_url(voting_round=voting_round, resident=resident)
        for resident in residents
    }


def topic_followers(topic) -> list[Resident]:
    """The submitter of the topic and everyone who supported or commented on it."""
    if topic is None:
        return []
    ids = {topic.submitter_id}
    ids.update(
        Endorsement.objects.filter(topic=topic).values_list("resident_id", flat=True)
    )
    ids.update(
        Comment.objects.filter(topic=topic, author_resident__isnull=False).values_list(
            "author_resident_id", flat=True
        )
    )
    return list(Resident.objects.filter(pk__in=ids))


@transaction.atomic
def round_announce(*, voting_round: VotingRound, now: datetime | None = None) -> int:
    """Tell the electorate that voting is open, once, with each voter's own link."""
    voting_round = _locked(voting_round)
    now = now or database_now()
    if voting_round.announced_at is not None or not voting_round.accepts_ballots_at(
        now
    ):
        return 0
    voting_round.announced_at = now
    voting_round.save(update_fields=["announced_at"])
    residents = list(_electors(voting_round))
    sent = notify(
        recipients=residents,
        kind="voting_open",
        context={"round": voting_round, "links": _links(voting_round, residents)},
        dedupe_key=f"round:{voting_round.pk}:open",
        link=voting_round.get_absolute_url(),
        community=voting_round.community,
        channels=["sms"],
    )
    return len(sent)


@transaction.atomic
def round_remind(*, voting_round: VotingRound, now: datetime | None = None) -> int:
    """Remind eligible voters who have not voted, an hour before the close (once).

    Inbox and text message; a reminder moved before quiet hours goes out then,
    and one that still falls in them goes to the inbox only.
    """
    voting_round = _locked(voting_round)
    now = now or database_now()
    if (
        voting_round.status != RoundStatus.OPEN
        or voting_round.reminder_at is None
        or voting_round.reminder_sent_at is not None
        or not voting_round.reminder_at <= now < voting_round.closes_at
    ):
        return 0
    voting_round.reminder_sent_at = now
    voting_round.save(update_fields=["reminder_sent_at"])
    residents = list(_electors(voting_round, not_voted=True))
    sent = notify(
        recipients=residents,
        kind="voting_reminder",
        context={"round": voting_round, "links": _links(voting_round, residents)},
        dedupe_key=f"round:{voting_round.pk}:reminder",
        link=voting_round.get_absolute_url(),
        community=voting_round.community,
        channels=[] if in_quiet_hours(now) else ["sms"],
    )
    return len(sent)


@transaction.atomic
def round_notify_result(*, voting_round: VotingRound) -> int:
    """Tell the electorate and the topic's followers the result (once)."""
    voting_round = _locked(voting_round)
    if voting_round.status != RoundStatus.CLOSED or voting_round.result_notified_at:
        return 0
    voting_round.result_notified_at = timezone.now()
    voting_round.save(update_fields=["result_notified_at"])
    result = RoundResult.objects.get(voting_round=voting_round)
    recipients = {r.pk: r for r in _electors(voting_round)}
    for follower in topic_followers(voting_round.agenda_item.topic):
        recipients.setdefault(follower.pk, follower)
    sent = notify(
        recipients=list(recipients.values()),
        kind="voting_result",
        context={
            "round": voting_round,
            "result": result,
            "options": list(voting_round.options.all()),
        },
        dedupe_key=f"round:{voting_round.pk}:result",
        link=voting_round.get_result_url(),
        community=voting_round.community,
    )
    return len(sent)


def rounds_sweep(*, now: datetime | None = None) -> dict:
    """Do what a lost ETA task left undone: close, announce, remind, tell results.

    Run every minute by beat; each step is idempotent.
    """
    now = now or database_now()
    closed = rounds_close_due(now=now)
    announced = reminded = told = 0
    open_rounds = VotingRound.objects.filter(status=RoundStatus.OPEN)
    for pk in open_rounds.filter(
        announced_at__isnull=True, opens_at__lte=now, closes_at__gt=now
    ).values_list("pk", flat=True):
        announced += bool(round_announce(voting_round=VotingRound(pk=pk), now=now))
    for pk in open_rounds.filter(
        reminder_sent_at__isnull=True, reminder_at__lte=now, closes_at__gt=now
    ).values_list("pk", flat=True):
        reminded += bool(round_remind(voting_round=VotingRound(pk=pk), now=now))
    for pk in VotingRound.objects.filter(
        status=RoundStatus.CLOSED,
        result_notified_at__isnull=True,
        closed_at__lte=now - timedelta(minutes=1),
    ).values_list("pk", flat=True):
        told += bool(round_notify_result(voting_round=VotingRound(pk=pk)))
    return {
        "closed": closed,
        "announced": announced,
        "reminded": reminded,
        "told": told,
    }
