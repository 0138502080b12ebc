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


def _claim(voting_round: VotingRound, field: str, now: datetime, **conditions) -> bool:
    """Mark a notice as sent, once, in a short transaction of its own.

    The round row is held only for this one UPDATE, not while thousands of
    notifications are written, so ballots go on being cast meanwhile.
    """
    claimed = VotingRound.objects.filter(
        pk=voting_round.pk, **{f"{field}__isnull": True}, **conditions
    ).update(**{field: now})
    return claimed == 1


def _send_claimed(voting_round: VotingRound, field: str, send) -> int:
    """Send; if sending fails, give the claim back so the sweep tries again."""
    try:
        with transaction.atomic():
            return len(send())
    except Exception:
        VotingRound.objects.filter(pk=voting_round.pk).update(**{field: None})
        raise


def _round_for_notices(voting_round: VotingRound) -> VotingRound:
    return VotingRound.objects.select_related(
        "community", "meeting", "agenda_item", "agenda_item__topic"
    ).get(pk=voting_round.pk)


def round_announce(*, voting_round: VotingRound, now: datetime | None = None) -> int:
    """Tell the electorate that voting is open, once, with each voter's own link."""
    now = now or database_now()
    if not _claim(
        voting_round,
        "announced_at",
        now,
        status=RoundStatus.OPEN,
        opens_at__lte=now,
        closes_at__gt=now,
    ):
        return 0
    voting_round = _round_for_notices(voting_round)

    def send():
        residents = list(_electors(voting_round))
        return notify(
            recipients=residents,
            kind="voting_open",
            context={"round": voting_round, "links": _links(voting_round, residents)},
            dedupe_key=f"round:{voting_round.pk}:open",
            link=voting_round.get_absolute_url(),
            community=voting_round.community,
            channels=["sms"],
        )

    return _send_claimed(voting_round, "announced_at", send)


def round_remind(*, voting_round: VotingRound, now: datetime | None = None) -> int:
    """Remind eligible voters who have not voted, an hour before the close (once).

    Inbox and text message; a reminder moved before quiet hours goes out then,
    and one that still falls in them goes to the inbox only.
    """
    now = now or database_now()
    if not _claim(
        voting_round,
        "reminder_sent_at",
        now,
        status=RoundStatus.OPEN,
        reminder_at__lte=now,
        closes_at__gt=now,
    ):
        return 0
    voting_round = _round_for_notices(voting_round)

    def send():
        residents = list(_electors(voting_round, not_voted=True))
        return notify(
            recipients=residents,
            kind="voting_reminder",
            context={"round": voting_round, "links": _links(voting_round, residents)},
            dedupe_key=f"round:{voting_round.pk}:reminder",
            link=voting_round.get_absolute_url(),
            community=voting_round.community,
            channels=[] if in_quiet_hours(now) else ["sms"],
        )

    return _send_claimed(voting_round, "reminder_sent_at", send)


def round_notify_result(*, voting_round: VotingRound) -> int:
    """Tell the electorate and the topic's followers the result (once)."""
    if not _claim(
        voting_round, "result_notified_at", timezone.now(), status=RoundStatus.CLOSED
    ):
        return 0
    voting_round = _round_for_notices(voting_round)

    def send():
        result = RoundResult.objects.get(voting_round=voting_round)
        recipients = {r.pk: r for r in _electors(voting_round)}
        for follower in topic_followers(voting_round.agenda_item.topic):
            recipients.setdefault(follower.pk, follower)
        return notify(
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

    return _send_claimed(voting_round, "result_notified_at", send)


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
