"""Reads for voting pages and the API, in a fixed number of queries."""

from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
)

from core.fragments import SharedFragments
from core.prepared import PreparedQuery
from residents.models import Resident

from .clock import ClockTimestamp, reads_database_clock
from .models import (
    Ballot,
    BallotReceipt,
    Elector,
    Option,
    RoundResult,
    RoundStatus,
    VotingRound,
)

RECEIPTS_PER_PAGE = 200


def ordered_options() -> Prefetch:
    """A round's options in ballot order, for prefetch_related."""
    return Prefetch("options", queryset=Option.objects.order_by("position"))


def round_queryset():
    return VotingRound.objects.select_related(
        "community", "meeting", "agenda_item", "agenda_item__topic", "result"
    ).prefetch_related(ordered_options())


def round_for_community(*, community, pk: int) -> VotingRound | None:
    voting_round = round_queryset().filter(community=community, pk=pk).first()
    if voting_round is not None:
        # The links to the meeting and the item need the community's slug: the
        # round's join holds both, so no query for them.
        voting_round.meeting.community = voting_round.community
        voting_round.agenda_item.meeting = voting_round.meeting
    return voting_round


def _round_for_reader(community_id: int, pk: int, resident_id: int, *, clock: bool):
    rounds = VotingRound.objects.filter(community_id=community_id, pk=pk)
    if clock:
        rounds = rounds.annotate(read_at=ClockTimestamp())
    return (
        rounds.annotate(
            reader_is_elector=Exists(
                Elector.objects.filter(
                    voting_round=OuterRef("pk"), resident_id=resident_id
                )
            ),
            reader_receipt=FilteredRelation(
                "receipts", condition=Q(receipts__voter_id=resident_id)
            ),
        )
        # Not the item's topic: the page links to it by its id alone.
        .select_related(
            "meeting",
            "agenda_item",
            "result",
            "reader_receipt__cast_by",
        )
        .order_by()
    )


# The cast page is the busiest page at a deadline: its round, the reader's
# receipt, whether they vote and the database's clock come in one query, whose
# SQL is built once (with the clock and without: VOTING_CLOCK may say "python").
_READER_SAMPLES = (-2_147_483_001, -2_147_483_002, -2_147_483_003)
_round_for_reader_queries = {
    clock: PreparedQuery(
        partial(_round_for_reader, clock=clock), samples=_READER_SAMPLES
    )
    for clock in (True, False)
}

# A round's options are written with it and never change: kept in the cache by
# the round's id and creation time, the cast page reads none.
OPTIONS_KEPT_SECONDS = 60 * 60 * 24


def round_options(voting_round: VotingRound) -> list[Option]:
    """The round's options in ballot order, from the cache when they are there;
    `voting_round.options.all()` then answers from them too."""
    prefetched = getattr(voting_round, "_prefetched_objects_cache", {})
    if "options" in prefetched:
        return list(prefetched["options"])
    key = f"round-options:{voting_round.pk}:{voting_round.created_at.timestamp()}"
    options = cache.get(key)
    if options is None:
        options = list(voting_round.options.order_by("position"))
        cache.set(key, options, OPTIONS_KEPT_SECONDS)
    _with_options(voting_round, options)
    return options


def round_for_reader(
    *, community, pk: int, resident: Resident | None
) -> VotingRound | None:
    """The round as round_for_community gives it, with the reader's receipt and
    whether they are an elector read in the same query (my_receipt and
    is_elector then answer without one), and on PostgreSQL the database's clock
    (`read_at`). Its options are read when asked for (round_options): a page
    whose ballot and head are kept needs none."""
    query = _round_for_reader_queries[reads_database_clock()]
    found = query(community.pk, pk, resident.pk if resident is not None else 0)
    if not found:
        return None
    voting_round = found[0]
    voting_round.community = community
    voting_round.meeting.community = community
    voting_round.agenda_item.meeting = voting_round.meeting
    receipt = getattr(voting_round, "reader_receipt", None)
    if receipt is not None:
        receipt.voting_round, receipt.voter = voting_round, resident
    voting_round._read_for = (
        resident.pk if resident is not None else None,
        receipt,
        voting_round.reader_is_elector,
    )
    return voting_round


def _with_options(voting_round: VotingRound, options: list[Option]) -> None:
    """As prefetch_related("options") leaves it: options.all() asks no query."""
    queryset = voting_round.options.all()
    queryset._result_cache, queryset._prefetch_done = options, True
    voting_round._prefetched_objects_cache = {"options": queryset}


def _read_for(voting_round: VotingRound, resident: Resident):
    """What round_for_reader read for this resident, or None."""
    read = getattr(voting_round, "_read_for", None)
    return read if read is not None and read[0] == resident.pk else None


def _round_row(community_id: int, pk: int):
    return VotingRound.objects.filter(community_id=community_id, pk=pk).order_by()


# The kept result page reads the round's row alone, on every visit: its SQL is
# built once.
_round_row_query = PreparedQuery(_round_row, samples=(-2_147_483_041, -2_147_483_042))


def round_alone(*, community, pk: int) -> VotingRound | None:
    """The round's row, its community the caller's: enough to ask who may see it."""
    found = _round_row_query(community.pk, int(pk))
    for voting_round in found:
        voting_round.community = community
    return found[0] if found else None


def round_for_casting(*, community, pk: int) -> VotingRound | None:
    """The round with only what casting reads (its community and options).

    The cast page is the busiest write at a deadline: the full round_queryset()
    join (meeting, item, topic, result) is left to the pages that show them.
    """
    return (
        VotingRound.objects.filter(community=community, pk=pk)
        .select_related("community")
        .prefetch_related(ordered_options())
        .first()
    )


# The community's list of votes is the same for everyone who sees the community
# alike, so its first pages are kept rendered until a round opens or closes
# (round_open and round_close say so); each open round's countdown moves on by
# itself (core.fragments.Expiring). A meeting or agenda item renamed afterwards
# shows within the timeout: council does not know the list exists.
COMMUNITY_ROUNDS = SharedFragments("community-rounds", timeout=10 * 60)

# A closed round's result page never changes (round_close writes it once; nothing
# writes a closed round), so its first pages of receipts are kept per round,
# language and page with nothing to announce; a voter renamed shows within the
# timeout.
ROUND_RESULTS = SharedFragments("round-results", timeout=10 * 60)

# Which rounds of a meeting or a topic a resident has voted in, kept per resident
# (the scope) for the "you have voted" marks of the kept votes sections: a
# resident's first ballot in a round announces it (services.ballot_cast).
VOTER_RECEIPTS = SharedFragments("voter-receipts", timeout=10 * 60)


def voted_wish(*, resident: Resident | None, meeting=None, topic=None):
    """The rounds of `meeting` (or of `topic`) `resident` has voted in, as a
    kept_or_built() wish (None for nobody): a set of round ids."""
    if resident is None:
        return None
    if meeting is not None:
        rounds, variant = {"voting_round__meeting": meeting}, ("meeting", meeting.pk)
    else:
        rounds = {"voting_round__agenda_item__topic": topic}
        variant = ("topic", topic.pk)

    def build() -> frozenset[int]:
        return frozenset(
            BallotReceipt.objects.filter(voter=resident, **rounds).values_list(
                "voting_round_id", flat=True
            )
        )

    return (VOTER_RECEIPTS, str(resident.pk), variant, build)


def rounds_for_community(*, community, page=1, status: str = ""):
    rounds = round_queryset().filter(community=community)
    if status in RoundStatus.values:
        rounds = rounds.filter(status=status)
    else:
        rounds = rounds.exclude(status=RoundStatus.DRAFT)
    rounds = rounds.annotate(ballots=Count("receipts")).order_by("-closes_at", "-pk")
    return Paginator(rounds, 25).get_page(page)


def my_receipt(*, voting_round: VotingRound, resident: Resident | None):
    if resident is None:
        return None
    read = _read_for(voting_round, resident)
    if read is not None:
        return read[1]
    return (
        BallotReceipt.objects.filter(voting_round=voting_round, voter=resident)
        .select_related("cast_by")
        .first()
    )


def is_elector(*, voting_round: VotingRound, resident: Resident | None) -> bool:
    if resident is None or voting_round.status == RoundStatus.DRAFT:
        return False
    read = _read_for(voting_round, resident)
    if read is not None:
        return read[2]
    return Elector.objects.filter(voting_round=voting_round, resident=resident).exists()


def ballots_so_far(*, voting_round: VotingRound) -> int:
    return BallotReceipt.objects.filter(voting_round=voting_round).count()


@dataclass
class OptionCount:
    option: Option
    count: int
    percent: int
    chosen: bool


def option_counts(
    *, voting_round: VotingRound, result: RoundResult
) -> list[OptionCount]:
    rows = []
    for option in voting_round.options.all():
        count = result.count_for(option)
        percent = round(100 * count / result.ballots_cast) if result.ballots_cast else 0
        rows.append(OptionCount(option, count, percent, option.pk in result.winners))
    return rows


def receipt_list(*, voting_round: VotingRound, page=1, code: str = ""):
    """Every receipt code after the close: with voter and choice in open rounds.

    Secret rounds list the codes of the Ballot rows only; open rounds list the
    receipts with who voted, what, and who cast it for them by proxy.
    """
    code = (code or "").strip().upper()
    if voting_round.is_secret:
        rows = Ballot.objects.filter(voting_round=voting_round).order_by("code")
        rows = rows.only("code")
    else:
        rows = (
            BallotReceipt.objects.filter(voting_round=voting_round)
            .select_related("voter", "cast_by")
            .order_by("code")
        )
    if code:
        rows = rows.filter(code__icontains=code)
    return Paginator(rows, RECEIPTS_PER_PAGE).get_page(page)


def electors_for_staff(*, voting_round: VotingRound, page=1, query: str = ""):
    """A page of the electorate, each marked voted or not (never what), for staff."""
    electors = Elector.objects.filter(voting_round=voting_round).select_related(
        "resident"
    )
    if query:
        electors = electors.filter(resident__name__icontains=query.strip())
    page = Paginator(electors.order_by("resident__name", "pk"), 50).get_page(page)
    voted = set(
        BallotReceipt.objects.filter(
            voting_round=voting_round,
            voter_id__in=[e.resident_id for e in page.object_list],
        ).values_list("voter_id", flat=True)
    )
    for elector in page.object_list:
        elector.has_voted = elector.resident_id in voted
    return page


def rounds_for_meeting(*, meeting, resident: Resident | None, with_drafts: bool):
    """The meeting's rounds with their results, and which of them `resident` voted in."""
    rounds = _section_rounds(meeting.community).filter(meeting=meeting)
    if not with_drafts:
        rounds = rounds.exclude(status=RoundStatus.DRAFT)
    rounds = list(rounds.order_by("agenda_item__position", "created_at", "pk"))
    for voting_round in rounds:
        voting_round.meeting = meeting
    return _with_community(rounds, meeting.community), _voted_in(rounds, resident)


def rounds_for_topic(*, topic, resident: Resident | None):
    rounds = list(
        _section_rounds(topic.community)
        .filter(agenda_item__topic=topic)
        .exclude(status=RoundStatus.DRAFT)
        .order_by("-created_at", "-pk")
    )
    return _with_community(rounds, topic.community), _voted_in(rounds, resident)


def _section_rounds(community):
    """Rounds as the meeting and topic pages list them: item, result and options.

    Those pages already hold the community (and the meeting or topic), so the
    query leaves them out of its join.
    """
    return (
        VotingRound.objects.filter(community=community)
        .select_related("agenda_item", "result")
        .prefetch_related(ordered_options())
    )


def _with_community(rounds: list[VotingRound], community) -> list[VotingRound]:
    for voting_round in rounds:
        voting_round.community = community
    return rounds


def _voted_in(rounds, resident) -> set[int]:
    return voted_in_rounds(round_ids=[r.pk for r in rounds], resident=resident)


def voted_in_rounds(*, round_ids, resident: Resident | None) -> set[int]:
    """Which of these rounds `resident` voted in (one query, none for nobody)."""
    if resident is None or not round_ids:
        return set()
    return set(
        BallotReceipt.objects.filter(
            voting_round__in=list(round_ids), voter=resident
        ).values_list("voting_round_id", flat=True)
    )
