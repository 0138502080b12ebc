"""What the voting services share: limits, the receipt code, the ballot hash."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from ..models import (
    BallotReceipt,
    Electorate,
    RoundEvent,
    VotingRound,
)

MIN_OPTIONS, MAX_OPTIONS = 2, 10
MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=30)
REMINDER_BEFORE = timedelta(hours=1)
# A reminder that would fall in quiet hours goes this long before they start.
QUIET_MARGIN = timedelta(minutes=30)
_CHUNK = 1000


@dataclass(frozen=True)
class CastReceipt:
    """What the voter is shown after casting: the receipt and its code."""

    receipt: BallotReceipt
    code: str
    changed: bool


# -- helpers -------------------------------------------------------------------


def _event(voting_round, kind, *, actor=None, note="", **payload) -> RoundEvent:
    return RoundEvent.objects.create(
        voting_round=voting_round,
        kind=kind,
        actor=actor,
        note=note[:300],
        payload=payload,
        created_at=timezone.now(),
    )


def _locked(voting_round: VotingRound) -> VotingRound:
    return (
        VotingRound.objects.select_for_update(of=("self",))
        .select_related("community", "meeting", "meeting__council", "agenda_item")
        .get(pk=voting_round.pk)
    )


def receipt_code(round_id: int, positions: list[int], salt: str) -> str:
    """A hash of the ballot (round and choice) and a random salt: 3 groups of 4."""
    text = f"{round_id}|{'+'.join(map(str, positions))}|{salt}"
    digest = hashlib.sha256(text.encode()).hexdigest()[:12].upper()
    return f"{digest[0:4]}-{digest[4:8]}-{digest[8:12]}"


def ballot_lines(*, voting_round: VotingRound, rows: Iterable) -> list[str]:
    """The canonical text of the ballots: one "CODE positions" line each, by code.

    `rows` are (option ids, code) pairs. The result's hash is the SHA-256 of these
    lines joined by newlines after the header line "yishihui-vote <round id>".
    """
    position = {option.pk: option.position for option in voting_round.options.all()}
    lines = []
    for option_ids, code in rows:
        positions = sorted(position[int(pk)] for pk in option_ids)
        lines.append(f"{code} {'+'.join(map(str, positions))}")
    lines.sort()
    return lines


def ballot_hash(*, voting_round: VotingRound, lines: list[str]) -> str:
    text = "\n".join([f"yishihui-vote {voting_round.pk}", *lines]) + "\n"
    return hashlib.sha256(text.encode()).hexdigest()


def _charter_electorate(council) -> str:
    if council.stakeholders_vote:
        return Electorate.WITH_STAKEHOLDERS
    return Electorate.REPRESENTATIVES
