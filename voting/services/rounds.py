"""Preparing and opening votes: the charter's rules, the electorate, the schedule."""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
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
from notifications.services import in_quiet_hours
from residents.models import Resident

from ..clock import database_now
from ..models import (
    COUNCIL_ELECTORATES,
    BallotKind,
    Elector,
    Electorate,
    ElectorRole,
    Option,
    OptionCode,
    RoundEventKind,
    RoundKind,
    RoundQuorum,
    RoundStatus,
    VotingRound,
)
from ..selectors import COMMUNITY_ROUNDS
from .common import (
    _CHUNK,
    MAX_DURATION,
    MAX_OPTIONS,
    MIN_OPTIONS,
    QUIET_MARGIN,
    REMINDER_BEFORE,
    _charter_electorate,
    _event,
    _locked,
    min_duration,
)

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
    if closes_at <= start + min_duration():
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
    # Managers see the draft on the meeting page from the next visit.
    COMMUNITY_ROUNDS.changed(str(voting_round.community_id))
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
    from ..tasks import announce_round, close_round, remind_round

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
    if voting_round.closes_at <= opens_at + min_duration():
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
    COMMUNITY_ROUNDS.changed(str(voting_round.community_id))
    return voting_round
