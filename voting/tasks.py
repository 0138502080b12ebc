"""Celery tasks for voting: thin wrappers over services, taking ids."""

from celery import shared_task

from .clock import database_now
from .models import RoundStatus, VotingRound
from .services import (
    round_announce,
    round_close,
    round_notify_result,
    round_remind,
    rounds_sweep,
)

# A worker's clock a little ahead of the database's: try again this soon.
EARLY_RETRY_LIMIT_SECONDS = 300


@shared_task(bind=True, acks_late=True, max_retries=20)
def close_round(self, round_id: int) -> bool:
    """Close the round at its deadline (an ETA task); the minute sweep backs it up."""
    voting_round = VotingRound.objects.filter(pk=round_id).first()
    if voting_round is None or voting_round.status != RoundStatus.OPEN:
        return False  # deleted, or already closed by the sweep or a duplicate
    if round_close(voting_round=voting_round):
        return True
    wait = (voting_round.closes_at - database_now()).total_seconds()
    if 0 < wait <= EARLY_RETRY_LIMIT_SECONDS:
        raise self.retry(countdown=max(wait, 0.05))
    return False


@shared_task(acks_late=True)
def announce_round(round_id: int) -> int:
    voting_round = VotingRound.objects.filter(pk=round_id).first()
    if voting_round is None:
        return 0
    return round_announce(voting_round=voting_round)


@shared_task(acks_late=True)
def remind_round(round_id: int) -> int:
    voting_round = VotingRound.objects.filter(pk=round_id).first()
    if voting_round is None:
        return 0
    return round_remind(voting_round=voting_round)


@shared_task(acks_late=True)
def notify_round_result(round_id: int) -> int:
    voting_round = VotingRound.objects.filter(pk=round_id).first()
    if voting_round is None:
        return 0
    return round_notify_result(voting_round=voting_round)


@shared_task(acks_late=True)
def sweep_rounds() -> dict:
    """Close due rounds and send what an ETA task missed (beat, every minute)."""
    return rounds_sweep()
