"""Every write to voting: rounds, ballots, proxies, closing and tallying.

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

import hashlib
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.display import format_when
from core.scheduling import enqueue_at
from council.models import (
    PRESENT_STATUSES,
    AgendaItem,
    Attendance,
    AttendanceRole,
    Invitation,
    InvitationStatus,
    MeetingStatus,
    PassingThreshold,
)
from council.quorum import meeting_quorum, meeting_seats
from notifications.services import in_quiet_hours, notify
from residents.models import Resident
from residents.predicates import is_community_staff
from topics.images import prepare_photo
from topics.models import Comment, Endorsement
from topics.services import topic_record_vote

from .clock import database_now
from .links import link_url, read_link
from .models import (
    COUNCIL_ELECTORATES,
    Ballot,
    BallotKind,
    BallotReceipt,
    CastVia,
    Elector,
    Electorate,
    ElectorRole,
    Option,
    OptionCode,
    Proxy,
    RoundEvent,
    RoundEventKind,
    RoundKind,
    RoundQuorum,
    RoundResult,
    RoundStatus,
    UsedVotingLink,
    VotingRound,
    quorum_required,
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


def _receipt_code(round_id: int, positions: list[int], salt: str) -> str:
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


# -- creating and opening ----------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    agenda_item: AgendaItem,
    by,
    question: str,
    closes_at: datetime,
    kind: str = RoundKind.APPROVAL,
    options: Iterable[str] = (),
    max_choices: int = 1,
    ballot: str = BallotKind.OPEN,
    electorate: str | None = None,
    opens_at: datetime | None = None,
    quorum_rule: str | None = None,
    passing_threshold: str | None = None,
    rules_note: str = "",
) -> VotingRound:
    """Prepare a vote on an agenda item (a draft until it is opened)."""
    agenda_item = AgendaItem.objects.select_related(
        "meeting", "meeting__council", "meeting__community"
    ).get(pk=agenda_item.pk)
    meeting = agenda_item.meeting
    council = meeting.council
    if meeting.status == MeetingStatus.DRAFT:
        raise ValidationError(
            _("Schedule the meeting first: a draft meeting is not shown to anyone.")
        )
    if meeting.is_finished:
        raise ValidationError(
            _("Votes cannot be added to a %(status)s meeting.")
            % {"status": meeting.get_status_display()}
        )
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write the question people vote on.")})
    if kind not in RoundKind.values:
        raise ValidationError({"kind": _("Choose the kind of vote.")})
    if ballot not in BallotKind.values:
        raise ValidationError({"ballot": _("Choose an open or a secret ballot.")})
    electorate = electorate or _charter_electorate(council)
    if electorate not in Electorate.values:
        raise ValidationError({"electorate": _("Choose who votes.")})
    labels = []
    if kind != RoundKind.APPROVAL:
        labels = [label.strip() for label in options if label and label.strip()]
        if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
            raise ValidationError(
                {
                    "options": _("Give between %(min)d and %(max)d options.")
                    % {"min": MIN_OPTIONS, "max": MAX_OPTIONS}
                }
            )
        if len({label.casefold() for label in labels}) != len(labels):
            raise ValidationError({"options": _("Each option must be different.")})
        if any(len(label) > 200 for label in labels):
            raise ValidationError(
                {"options": _("Keep each option under 200 characters.")}
            )
    if kind == RoundKind.MULTIPLE:
        if not 2 <= max_choices <= len(labels):
            raise ValidationError(
                {
                    "max_choices": _(
                        "Let voters choose between 2 and %(n)d options, or make "
                        "it a single choice."
                    )
                    % {"n": len(labels)}
                }
            )
    else:
        max_choices = 1
    now = timezone.now()
    if opens_at is not None and opens_at < now - timedelta(minutes=5):
        raise ValidationError({"opens_at": _("Choose a time in the future.")})
    start = max(opens_at or now, now)
    if closes_at <= start + MIN_DURATION:
        raise ValidationError(
            {"closes_at": _("Voting must stay open for at least a minute.")}
        )
    if closes_at - start > MAX_DURATION:
        raise ValidationError(
            {"closes_at": _("A vote can stay open for at most 30 days.")}
        )

    quorum_rule = quorum_rule or council.quorum_rule
    passing_threshold = passing_threshold or council.passing_threshold
    if quorum_rule not in RoundQuorum.values:
        raise ValidationError({"quorum_rule": _("Choose a quorum.")})
    if passing_threshold not in PassingThreshold.values:
        raise ValidationError(
            {"passing_threshold": _("Choose what the vote passes with.")}
        )
    departures = {}
    if quorum_rule != council.quorum_rule:
        departures["quorum_rule"] = {
            "charter": str(RoundQuorum(council.quorum_rule).label),
            "round": str(RoundQuorum(quorum_rule).label),
        }
    if passing_threshold != council.passing_threshold:
        departures["passing_threshold"] = {
            "charter": str(PassingThreshold(council.passing_threshold).label),
            "round": str(PassingThreshold(passing_threshold).label),
        }
    if electorate in COUNCIL_ELECTORATES and electorate != _charter_electorate(council):
        departures["electorate"] = {
            "charter": str(Electorate(_charter_electorate(council)).label),
            "round": str(Electorate(electorate).label),
        }
    rules_note = (rules_note or "").strip()
    if departures and not rules_note:
        raise ValidationError(
            {
                "rules_note": _(
                    "This vote does not follow the council rules (%(what)s): say why."
                )
                % {"what": "、".join(d["round"] for d in departures.values())}
            }
        )
    if not departures:
        rules_note = ""
    voting_round = VotingRound(
        community=meeting.community,
        meeting=meeting,
        agenda_item=agenda_item,
        question=question[:300],
        kind=kind,
        max_choices=max_choices,
        ballot=ballot,
        electorate=electorate,
        opens_at=opens_at,
        closes_at=closes_at,
        quorum_rule=quorum_rule,
        passing_threshold=passing_threshold,
        rules_note=rules_note[:300],
        created_by=by,
        created_at=now,
    )
    voting_round.full_clean()
    voting_round.save()
    if kind == RoundKind.APPROVAL:
        Option.objects.bulk_create(
            Option(voting_round=voting_round, position=n, code=code)
            for n, code in enumerate(OptionCode.values, start=1)
        )
    else:
        Option.objects.bulk_create(
            Option(voting_round=voting_round, position=n, text=label)
            for n, label in enumerate(labels, start=1)
        )
    _event(voting_round, RoundEventKind.CREATED, actor=by)
    if departures:
        _event(
            voting_round,
            RoundEventKind.RULES_CHANGED,
            actor=by,
            note=rules_note,
            **departures,
        )
    return voting_round


def _council_electorate(voting_round: VotingRound) -> list[tuple[int, str, int | None]]:
    """(resident, role, seat) for each seat, and the item's stakeholders if they vote.

    A seat is voted by its holder; when the meeting is in progress and the holder is
    not present but the seat's alternate is, the alternate votes instead.
    """
    meeting = voting_round.meeting
    seats = list(meeting_seats(meeting))
    in_progress = meeting.status == MeetingStatus.IN_PROGRESS
    present, standing_in = set(), set()
    attendances = list(
        Attendance.objects.filter(meeting=meeting).only(
            "resident_id", "seat_id", "role", "status", "invitation_id"
        )
    )
    for attendance in attendances:
        if attendance.status not in PRESENT_STATUSES:
            continue
        if attendance.resident_id:
            present.add(attendance.resident_id)
        if attendance.role == AttendanceRole.ALTERNATE and attendance.seat_id:
            standing_in.add(attendance.seat_id)
    electors: dict[int, tuple[int, str, int | None]] = {}
    for seat in seats:
        voter, role = seat.resident_id, ElectorRole.REPRESENTATIVE
        if (
            in_progress
            and seat.resident_id not in present
            and seat.alternate_id
            and (seat.pk in standing_in or seat.alternate_id in present)
        ):
            voter, role = seat.alternate_id, ElectorRole.ALTERNATE
        electors.setdefault(voter, (voter, role, seat.pk))
    if voting_round.electorate == Electorate.WITH_STAKEHOLDERS:
        invitations = Invitation.objects.filter(
            agenda_item_id=voting_round.agenda_item_id
        ).exclude(status=InvitationStatus.DECLINED)
        for invitation in invitations:
            if invitation.resident_id:
                electors.setdefault(
                    invitation.resident_id,
                    (invitation.resident_id, ElectorRole.STAKEHOLDER, None),
                )
        # An invited organisation votes through the member who came for it.
        org_invitations = {i.pk for i in invitations if i.organization_id}
        for attendance in attendances:
            if (
                attendance.invitation_id in org_invitations
                and attendance.resident_id
                and attendance.status in PRESENT_STATUSES
            ):
                electors.setdefault(
                    attendance.resident_id,
                    (attendance.resident_id, ElectorRole.STAKEHOLDER, None),
                )
    return list(electors.values())


def _fix_electorate(voting_round: VotingRound) -> int:
    if voting_round.electorate == Electorate.RESIDENTS:
        ids = Resident.objects.filter(community_id=voting_round.community_id)
        rows = (
            Elector(
                voting_round=voting_round, resident_id=pk, role=ElectorRole.RESIDENT
            )
            for pk in ids.values_list("pk", flat=True).iterator(chunk_size=_CHUNK)
        )
    else:
        rows = (
            Elector(voting_round=voting_round, resident_id=pk, role=role, seat_id=seat)
            for pk, role, seat in _council_electorate(voting_round)
        )
    created = Elector.objects.bulk_create(rows, batch_size=_CHUNK)
    return len(created)


def quorum_refusal(report) -> str:
    """The reason a vote cannot be opened at this meeting now, or ''."""
    if not report.met:
        return _(
            "The quorum is not met: %(present)d of %(seated)d seats are present and "
            "%(required)d are needed."
        ) % {
            "present": report.present,
            "seated": report.seated,
            "required": report.required,
        }
    if not report.coverage_met:
        return _(
            "Seat-kind coverage is not met: %(present)d kinds of seat are present and "
            "%(required)d are needed."
        ) % {"present": report.kinds_present, "required": report.kinds_required}
    return ""


def quiet_hours_start(moment: datetime) -> datetime:
    """Return the start of the quiet hours `moment` falls in (21:00 the evening before)."""
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    local = timezone.localtime(moment)
    day = local.date()
    if start > end and local.hour < end:
        day -= timedelta(days=1)
    return datetime.combine(day, time(start), tzinfo=local.tzinfo)


def reminder_time(*, opens_at: datetime, closes_at: datetime) -> datetime | None:
    """One hour before the close, or before quiet hours start if it falls in them.

    None for a vote too short to remind anyone of it.
    """
    at = closes_at - REMINDER_BEFORE
    if at <= opens_at:
        return None
    if in_quiet_hours(at):
        earlier = quiet_hours_start(at) - QUIET_MARGIN
        if earlier > opens_at:
            return earlier
    return at


def _schedule(voting_round: VotingRound) -> None:
    from .tasks import announce_round, close_round, remind_round

    pk = voting_round.pk
    opens_at, closes_at = voting_round.opens_at, voting_round.closes_at
    reminder_at = voting_round.reminder_at

    def enqueue():
        # Beyond the ETA horizon the minute sweep does each when it falls due.
        enqueue_at(announce_round, args=[pk], eta=opens_at)
        if reminder_at is not None:
            enqueue_at(remind_round, args=[pk], eta=reminder_at)
        enqueue_at(close_round, args=[pk], eta=closes_at)

    transaction.on_commit(enqueue, robust=True)


@transaction.atomic
def round_open(
    *, voting_round: VotingRound, by, closes_at: datetime | None = None
) -> VotingRound:
    """Open a draft vote: fix who may vote, schedule the announcement and the close.

    Locks the round row. A vote opened while its meeting is in progress needs the
    meeting's quorum and seat-kind coverage (council.quorum).
    """
    voting_round = _locked(voting_round)
    if voting_round.status == RoundStatus.OPEN:
        raise ValidationError(_("This vote is already open."))
    if voting_round.status == RoundStatus.CLOSED:
        raise ValidationError(_("This vote is closed."))
    meeting = voting_round.meeting
    if meeting.is_finished:
        raise ValidationError(
            _("The meeting is %(status)s: its votes can no longer be opened.")
            % {"status": meeting.get_status_display()}
        )
    if meeting.status == MeetingStatus.DRAFT:
        raise ValidationError(_("Schedule the meeting first."))
    if voting_round.is_council_vote and meeting.status != MeetingStatus.IN_PROGRESS:
        raise ValidationError(
            _(
                "A council vote is opened during the meeting: open the meeting and "
                "check the representatives in first."
            )
        )
    if meeting.status == MeetingStatus.IN_PROGRESS:
        refusal = quorum_refusal(meeting_quorum(meeting))
        if refusal:
            raise ValidationError(refusal, code="quorum")
    now = database_now()
    if closes_at is not None:
        voting_round.closes_at = closes_at
    opens_at = voting_round.opens_at
    if opens_at is None or opens_at < now:
        opens_at = now
    if voting_round.closes_at <= opens_at + MIN_DURATION:
        raise ValidationError(
            {
                "closes_at": _(
                    "The closing time %(time)s has passed or is too near: choose a "
                    "later one."
                )
                % {"time": format_when(voting_round.closes_at)}
            }
        )
    if voting_round.closes_at - opens_at > MAX_DURATION:
        raise ValidationError(
            {"closes_at": _("A vote can stay open for at most 30 days.")}
        )
    size = _fix_electorate(voting_round)
    if size == 0:
        raise ValidationError(
            _("Nobody can vote: %(electorate)s.")
            % {"electorate": voting_round.get_electorate_display()}
            + " "
            + _("Assign the seats or invite the stakeholders first.")
        )
    voting_round.opens_at = opens_at
    voting_round.status = RoundStatus.OPEN
    voting_round.electorate_size = size
    voting_round.opened_at = now
    voting_round.opened_by = by
    voting_round.reminder_at = reminder_time(
        opens_at=opens_at, closes_at=voting_round.closes_at
    )
    voting_round.save(
        update_fields=[
            "opens_at",
            "closes_at",
            "status",
            "electorate_size",
            "opened_at",
            "opened_by",
            "reminder_at",
        ]
    )
    _event(voting_round, RoundEventKind.OPENED, actor=by, electorate_size=size)
    _schedule(voting_round)
    return voting_round


# -- casting -------------------------------------------------------------------------


def _refuse_unless_accepting(voting_round: VotingRound, now: datetime) -> None:
    if voting_round.status == RoundStatus.DRAFT:
        raise ValidationError(_("This vote has not been opened yet."), code="not_open")
    if voting_round.status == RoundStatus.CLOSED or now >= voting_round.closes_at:
        raise ValidationError(
            _("Voting closed at %(time)s. Your ballot was not counted.")
            % {"time": format_when(voting_round.closes_at)},
            code="closed",
        )
    if now < voting_round.opens_at:
        raise ValidationError(
            _("Voting opens at %(time)s.")
            % {"time": format_when(voting_round.opens_at)},
            code="not_open",
        )


def _chosen(voting_round: VotingRound, choice) -> tuple[list[int], list[int]]:
    """Return (option ids, positions) of a valid choice, sorted by position."""
    if isinstance(choice, Option | int | str):
        choice = [choice]
    try:
        wanted = {int(c.pk if isinstance(c, Option) else c) for c in choice}
    except (TypeError, ValueError):
        raise ValidationError(
            _("That option is not part of this vote."), code="bad_option"
        ) from None
    options = {o.pk: o for o in voting_round.options.all()}
    if not wanted:
        raise ValidationError(_("Choose an option."), code="no_option")
    if not wanted <= set(options):
        raise ValidationError(
            _("That option is not part of this vote."), code="bad_option"
        )
    if len(wanted) > voting_round.choices_allowed:
        if voting_round.choices_allowed == 1:
            raise ValidationError(_("Choose one option."), code="too_many")
        raise ValidationError(
            _("Choose at most %(n)d options.") % {"n": voting_round.choices_allowed},
            code="too_many",
        )
    chosen = sorted((options[pk] for pk in wanted), key=lambda o: o.position)
    return [o.pk for o in chosen], [o.position for o in chosen]


def _refuse_wrong_actor(voting_round, voter, by, proxy, via_link) -> str:
    """Check who is casting; return how the ballot is cast."""
    if proxy is not None:
        if proxy.voting_round_id != voting_round.pk or proxy.resident_id != voter.pk:
            raise ValidationError(
                _("This proxy authorisation is for another resident or vote.")
            )
        if not is_community_staff(by, voting_round.community):
            raise ValidationError(_("Only community staff record ballots by proxy."))
        return CastVia.PROXY
    if via_link:
        return CastVia.LINK
    if by is not None and by.is_authenticated and voter.user_id == by.pk:
        return CastVia.WEB
    if is_community_staff(by, voting_round.community):
        raise ValidationError(
            _("To vote for a resident, record their signed proxy authorisation first."),
            code="needs_proxy",
        )
    raise ValidationError(_("You can only cast your own ballot."), code="not_yours")


@transaction.atomic
def ballot_cast(
    *,
    voting_round: VotingRound,
    voter: Resident,
    choice,
    by,
    proxy: Proxy | None = None,
    via_link: bool = False,
) -> CastReceipt:
    """Record the voter's ballot, or change it in an open ballot until the close.

    Locks the round row, then judges the time by the database's clock, so a
    ballot and the close never interleave and every web server agrees on the
    deadline. The voter must be in the round's electorate (fixed when it opened);
    a secret ballot is final once cast. One receipt per voter: a unique constraint.
    """
    voting_round = _locked(voting_round)
    now = database_now()
    _refuse_unless_accepting(voting_round, now)
    if voter.community_id != voting_round.community_id or not (
        Elector.objects.filter(voting_round=voting_round, resident=voter).exists()
    ):
        raise ValidationError(
            _("You are not among the voters of this vote: %(electorate)s vote.")
            % {"electorate": voting_round.get_electorate_display()},
            code="not_eligible",
        )
    via = _refuse_wrong_actor(voting_round, voter, by, proxy, via_link)
    option_ids, positions = _chosen(voting_round, choice)
    salt = secrets.token_hex(16)
    code = _receipt_code(voting_round.pk, positions, salt)
    cast_by = by if by is not None and by.is_authenticated else None
    existing = BallotReceipt.objects.filter(
        voting_round=voting_round, voter=voter
    ).first()
    if existing is not None:
        if voting_round.is_secret:
            raise ValidationError(
                _("You have already voted. A secret ballot cannot be changed."),
                code="already_voted",
            )
        existing.options = option_ids
        existing.code = code
        existing.salt = salt
        existing.via = via
        existing.cast_by = cast_by
        existing.proxy = proxy
        existing.changed_at = now
        existing.save(
            update_fields=[
                "options",
                "code",
                "salt",
                "via",
                "cast_by",
                "proxy",
                "changed_at",
            ]
        )
        return CastReceipt(receipt=existing, code=code, changed=True)
    receipt = BallotReceipt(
        voting_round=voting_round,
        voter=voter,
        via=via,
        cast_by=cast_by,
        proxy=proxy,
        cast_at=now,
    )
    if not voting_round.is_secret:
        receipt.options, receipt.code, receipt.salt = option_ids, code, salt
    try:
        with transaction.atomic():
            receipt.save()
    except IntegrityError:
        # The round lock makes this unreachable; the constraint still holds.
        raise ValidationError(
            _("You have already voted."), code="already_voted"
        ) from None
    if voting_round.is_secret:
        Ballot.objects.create(
            voting_round=voting_round, options=option_ids, code=code, salt=salt
        )
    return CastReceipt(receipt=receipt, code=code, changed=False)


@transaction.atomic
def ballot_cast_by_link(*, token: str, choice) -> CastReceipt:
    """Cast with a text-message link: signed, unexpired, and used once.

    The link is marked used in the ballot's transaction: a refused ballot leaves
    it usable, a counted one uses it up.
    """
    claim = read_link(token, now=database_now())
    voting_round = VotingRound.objects.filter(pk=claim.round_id).first()
    voter = (
        Resident.objects.filter(
            pk=claim.resident_id, community_id=voting_round.community_id
        ).first()
        if voting_round is not None
        else None
    )
    if voting_round is None or voter is None:
        raise ValidationError(_("This voting link is not valid."), code="invalid")
    try:
        with transaction.atomic():
            UsedVotingLink.objects.create(nonce=claim.nonce, voting_round=voting_round)
    except IntegrityError:
        raise ValidationError(
            _(
                "This voting link has already been used. Your ballot was counted; "
                "a new link comes with the next text message."
            ),
            code="used",
        ) from None
    return ballot_cast(
        voting_round=voting_round, voter=voter, choice=choice, by=None, via_link=True
    )


def voting_link_check(*, token: str):
    """Return (round, voter) for a link that can still be used, or refuse it."""
    claim = read_link(token, now=database_now())
    voting_round = (
        VotingRound.objects.select_related("community", "meeting", "agenda_item")
        .filter(pk=claim.round_id)
        .first()
    )
    voter = (
        Resident.objects.filter(
            pk=claim.resident_id, community_id=voting_round.community_id
        ).first()
        if voting_round is not None
        else None
    )
    if voting_round is None or voter is None:
        raise ValidationError(_("This voting link is not valid."), code="invalid")
    if UsedVotingLink.objects.filter(nonce=claim.nonce).exists():
        raise ValidationError(
            _(
                "This voting link has already been used. Your ballot was counted; "
                "a new link comes with the next text message."
            ),
            code="used",
        )
    return voting_round, voter


# -- proxies ---------------------------------------------------------------------------


@transaction.atomic
def proxy_record(
    *, voting_round: VotingRound, resident: Resident, photo, by, note: str = ""
) -> Proxy:
    """Keep a resident's signed proxy authorisation (代投授权) and its photo."""
    voting_round = _locked(voting_round)
    if not is_community_staff(by, voting_round.community):
        raise ValidationError(_("Only community staff record proxy authorisations."))
    if voting_round.status != RoundStatus.OPEN:
        raise ValidationError(
            _("Proxy authorisations are recorded while the vote is open.")
        )
    if not Elector.objects.filter(
        voting_round=voting_round, resident=resident
    ).exists():
        raise ValidationError(
            {
                "resident": _("%(name)s is not among the voters of this vote.")
                % {"name": resident.name}
            }
        )
    if Proxy.objects.filter(voting_round=voting_round, resident=resident).exists():
        raise ValidationError(
            {
                "resident": _("A proxy authorisation of %(name)s is already on file.")
                % {"name": resident.name}
            }
        )
    if not photo:
        raise ValidationError(
            {"photo": _("Upload a photo of the paper the resident signed.")}
        )
    try:
        content = prepare_photo(photo)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from exc
    proxy = Proxy(
        voting_round=voting_round,
        resident=resident,
        note=(note or "").strip()[:300],
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    proxy.photo.save(content.name, content, save=False)
    proxy.save()
    _event(voting_round, RoundEventKind.PROXY, actor=by, resident=resident.name)
    return proxy


@transaction.atomic
def proxy_ballot_cast(
    *,
    voting_round: VotingRound,
    resident: Resident,
    choice,
    by,
    photo=None,
    note: str = "",
) -> CastReceipt:
    """Staff cast a resident's ballot with the proxy on file, or with a new one."""
    proxy = Proxy.objects.filter(voting_round=voting_round, resident=resident).first()
    if proxy is None:
        proxy = proxy_record(
            voting_round=voting_round, resident=resident, photo=photo, by=by, note=note
        )
    return ballot_cast(
        voting_round=voting_round, voter=resident, choice=choice, by=by, proxy=proxy
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
    from .tasks import notify_round_result

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


__all__ = [
    "CastReceipt",
    "ballot_cast",
    "ballot_cast_by_link",
    "ballot_hash",
    "ballot_lines",
    "proxy_ballot_cast",
    "proxy_record",
    "quorum_refusal",
    "reminder_time",
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
