"""Every write to voting: rounds, ballots, proxies, closing and tallying.

One module per concept (rounds, casting, counting, notices); import from here.

Public API (keyword-only; each raises django ValidationError with a translated
message when the write is refused). Outcomes, metrics and the API build on these.

    round_create(*, agenda_item, by, question, closes_at, kind="approval",
                 options=(), max_choices=1, ballot="open", electorate=None,
                 opens_at=None, quorum_rule=None, passing_threshold=None,
                 rules_note="") -> VotingRound
        Quorum, threshold and electorate default to the council's charter; a round
        that departs from it needs `rules_note` (the reason, logged).
    round_open(*, voting_round, by, closes_at=None) -> VotingRound
        Fixes the electorate. During a meeting, refused unless the meeting's quorum
        and seat-kind coverage are met; a council vote opens only during its meeting.
    ballot_cast(*, voting_round, voter, choice, by, proxy=None, via_link=False)
        -> CastReceipt
        choice: an Option (or its id), or a list of them for multiple choice.
    ballot_cast_by_link(*, token, choice) -> CastReceipt
    proxy_record(*, voting_round, resident, photo, by, note="") -> Proxy
    proxy_ballot_cast(*, voting_round, resident, choice, by, photo=None, note="")
        -> CastReceipt
    round_close(*, voting_round, now=None) -> bool      (False: not due, or closed)
    rounds_close_due(*, now=None) -> int
    round_announce / round_remind / round_notify_result (run by tasks)
    rounds_sweep(*, now=None) -> dict                    (beat, every minute)

The clock is the database's (voting.clock.database_now), read after the round's
lock is taken.
"""

from .casting import (
    ballot_cast,
    ballot_cast_by_link,
    proxy_ballot_cast,
    proxy_record,
    voting_link_check,
)
from .common import CastReceipt, ballot_hash, ballot_lines
from .counting import Tally, result_summary, round_close, rounds_close_due, tally
from .notices import (
    round_announce,
    round_notify_result,
    round_remind,
    rounds_sweep,
    topic_followers,
)
from .rounds import (
    quiet_hours_start,
    quorum_refusal,
    reminder_time,
    round_create,
    round_open,
)

__all__ = [
    "CastReceipt",
    "Tally",
    "ballot_cast",
    "ballot_cast_by_link",
    "ballot_hash",
    "ballot_lines",
    "proxy_ballot_cast",
    "proxy_record",
    "quiet_hours_start",
    "quorum_refusal",
    "reminder_time",
    "result_summary",
    "round_announce",
    "round_close",
    "round_create",
    "round_notify_result",
    "round_open",
    "round_remind",
    "rounds_close_due",
    "rounds_sweep",
    "tally",
    "topic_followers",
    "voting_link_check",
]
