"""Minutes (会议纪要) built from the meeting's data, published, confirmed, corrected.

Nothing in the minutes is retyped: `minutes_content` reads the meeting, its seats
and attendance, the stakeholders, consultations, votes and outcomes, and adds the
social workers' notes per item. Publishing keeps that text as version 1; a
correction adds a version and keeps the earlier ones. Each version's PDF is built
by a Celery task, keyed by the hash of its content.
"""

import hashlib
import json
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    Invitation,
    Meeting,
    MeetingStatus,
)
from council.quorum import compute_quorum, meeting_seats
from council.services import meeting_page_changed
from notifications.services import notify
from residents.models import Resident
from topics.selectors import consultation_summaries
from voting.models import BallotReceipt, CastVia, Proxy, VotingRound
from voting.selectors import ordered_options

from ..models import (
    ActionItem,
    Minutes,
    MinutesConfirmation,
    MinutesNote,
    MinutesStatus,
    MinutesVersion,
    Outcome,
)
from ..selectors import OUTCOME_PAGES

SCHEMA = 1
# A PDF asked for this long ago and not built is asked for again (a lost task).
PDF_RETRY_AFTER = timedelta(minutes=2)


def _iso(value) -> str:
    return value.isoformat() if value else ""


def content_hash(content: dict) -> str:
    text = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


# -- building the text ----------------------------------------------------------


def _attendance(meeting: Meeting) -> tuple[dict, list[dict]]:
    seats = list(meeting_seats(meeting))
    attendances = list(
        Attendance.objects.filter(meeting=meeting).select_related(
            "resident",
            "invitation__organization",
            "invitation__resident",
            "checked_in_by",
        )
    )
    by_resident = {a.resident_id: a for a in attendances if a.resident_id}
    quorum = compute_quorum(
        council=meeting.council, seats=seats, attendances=attendances
    )
    kinds: dict[int, dict] = {}
    seated_people = set()
    for seat in seats:
        holder = by_resident.get(seat.resident_id)
        alternate = by_resident.get(seat.alternate_id) if seat.alternate_id else None
        stood_in = (
            alternate is not None
            and alternate.role == AttendanceRole.ALTERNATE
            and alternate.is_present
        )
        seated_people.update({seat.resident_id, seat.alternate_id})
        kind = kinds.setdefault(seat.kind_id, {"label": seat.kind.label, "seats": []})
        kind["seats"].append(
            {
                "holder": seat.resident.name,
                "organization": seat.organization.name if seat.organization_id else "",
                "holder_status": holder.status if holder else "",
                "holder_on_behalf": bool(holder and holder.on_behalf),
                "alternate": seat.alternate.name if seat.alternate_id else "",
                "alternate_status": alternate.status if alternate else "",
                "alternate_on_behalf": bool(alternate and alternate.on_behalf),
                "stood_in": stood_in,
                "present": seat.pk in quorum.present_seat_ids,
            }
        )
    others = []
    on_behalf = []
    for attendance in attendances:
        if attendance.on_behalf:
            on_behalf.append(
                {
                    "name": attendance.display_name,
                    "status": attendance.status,
                    "by": str(attendance.checked_in_by)
                    if attendance.checked_in_by_id
                    else "",
                }
            )
        if attendance.resident_id in seated_people and attendance.resident_id:
            continue
        others.append(
            {
                "name": attendance.display_name,
                "role": attendance.role,
                "status": attendance.status,
                "on_behalf": attendance.on_behalf,
            }
        )
    return (
        {
            "seated": quorum.seated,
            "present": quorum.present,
            "required": quorum.required,
            "quorum_met": quorum.met,
            "kinds_present": quorum.kinds_present,
            "kinds_required": quorum.kinds_required,
            "kinds_total": quorum.kinds_total,
            "kinds": list(kinds.values()),
            "others": others,
        },
        on_behalf,
    )


def _round(voting_round: VotingRound, proxy_counts: dict[int, int]) -> dict:
    data = {
        "question": voting_round.question,
        "kind": voting_round.kind,
        "ballot": voting_round.ballot,
        "electorate": voting_round.electorate,
        "quorum_rule": voting_round.quorum_rule,
        "passing_threshold": voting_round.passing_threshold,
        "rules_note": voting_round.rules_note,
        "electorate_size": voting_round.electorate_size,
        "closes_at": _iso(voting_round.closes_at),
        "status": voting_round.status,
        "result": None,
    }
    result = getattr(voting_round, "result", None) if voting_round.is_closed else None
    if result is not None:
        data["result"] = {
            "ballots_cast": result.ballots_cast,
            "quorum_required": result.quorum_required,
            "quorum_met": result.quorum_met,
            "passed": result.passed,
            "ballot_hash": result.ballot_hash,
            "proxy_ballots": proxy_counts.get(voting_round.pk, 0),
            "options": [
                {
                    "code": option.code,
                    "text": option.text,
                    "count": result.count_for(option),
                    "winner": option.pk in result.winners,
                }
                for option in voting_round.options.all()
            ],
        }
    return data


def _outcome(outcome: Outcome | None) -> dict | None:
    if outcome is None:
        return None
    return {
        "decision": outcome.decision,
        "discussion": outcome.discussion,
        "dissent": outcome.dissent,
        "responsible": outcome.responsible_name,
        "action_items": [
            {
                "description": item.description,
                "owner": item.owner_name,
                "due_on": _iso(item.due_on),
            }
            for item in outcome.action_items.all()
        ],
        "needs": [
            {
                "description": need.description,
                "quantity": need.quantity,
                "unit": need.unit,
            }
            for need in outcome.needs.all()
        ],
    }


def minutes_content(*, meeting: Meeting, notes: dict[int, str]) -> dict:
    """The whole text of the minutes, from the meeting's data and `notes` per item.

    A fixed number of queries, whatever the number of items, seats and ballots.
    """
    meeting = Meeting.objects.select_related("council", "community").get(pk=meeting.pk)
    attendance, on_behalf = _attendance(meeting)
    rounds = (
        VotingRound.objects.filter(meeting=meeting)
        .exclude(status="draft")
        .select_related("result")
        .prefetch_related(ordered_options())
        .order_by("created_at", "pk")
    )
    outcomes = Outcome.objects.select_related(
        "responsible_organization", "responsible_resident"
    ).prefetch_related(
        Prefetch(
            "action_items",
            queryset=ActionItem.objects.select_related(
                "owner_resident", "owner_user", "owner_organization"
            ),
        ),
        "needs",
    )
    invitations = Invitation.objects.select_related("resident", "organization")
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("topic")
        .prefetch_related(
            Prefetch("invitations", queryset=invitations),
            Prefetch("voting_rounds", queryset=rounds),
        )
        .order_by("position", "pk")
    )
    outcome_by_item = {o.agenda_item_id: o for o in outcomes.filter(meeting=meeting)}
    proxy_counts = dict(
        BallotReceipt.objects.filter(voting_round__meeting=meeting, via=CastVia.PROXY)
        .values("voting_round_id")
        .annotate(n=Count("pk"))
        .values_list("voting_round_id", "n")
    )
    attendance_by_invitation = {
        a.invitation_id: a.status
        for a in Attendance.objects.filter(
            meeting=meeting, invitation__isnull=False
        ).only("invitation_id", "status")
    }
    attendance_by_resident = {
        a.resident_id: a.status
        for a in Attendance.objects.filter(
            meeting=meeting, resident__isnull=False
        ).only("resident_id", "status")
    }
    summaries = consultation_summaries(
        topic_ids=[item.topic_id for item in items if item.topic_id]
    )
    built_items = []
    for item in items:
        topic = item.topic
        summary = summaries.get(item.topic_id) if topic else None
        built_items.append(
            {
                "position": item.position,
                "title": item.title,
                "description": item.description,
                "topic": {
                    "title": topic.title,
                    "endorsements": topic.endorsement_count,
                    "comments": topic.comment_count,
                }
                if topic
                else None,
                "consultation": {
                    "total": summary["total"],
                    "counts": [[code, n] for _label, code, n in summary["counts"]],
                    "directions": [
                        c.proposed_direction
                        for c in summary["consultations"]
                        if c.proposed_direction
                    ],
                }
                if summary
                else None,
                "stakeholders": [
                    {
                        "name": invitation.stakeholder_name,
                        "kind": "resident"
                        if invitation.resident_id
                        else "organization"
                        if invitation.organization_id
                        else "outside",
                        "reply": invitation.status,
                        "attendance": (
                            attendance_by_resident.get(invitation.resident_id, "")
                            if invitation.resident_id
                            else attendance_by_invitation.get(invitation.pk, "")
                        ),
                        "reason": invitation.reason,
                    }
                    for invitation in item.invitations.all()
                ],
                "rounds": [_round(r, proxy_counts) for r in item.voting_rounds.all()],
                "outcome": _outcome(outcome_by_item.get(item.pk)),
                "notes": (notes.get(item.pk) or "").strip(),
            }
        )
    proxies = [
        {
            "resident": proxy.resident.name,
            "question": proxy.voting_round.question,
            "recorded_by": str(proxy.recorded_by) if proxy.recorded_by_id else "",
            "note": proxy.note,
        }
        for proxy in Proxy.objects.filter(voting_round__meeting=meeting)
        .select_related("resident", "voting_round", "recorded_by")
        .order_by("voting_round__created_at", "pk")
    ]
    return {
        "schema": SCHEMA,
        "community": meeting.community.name,
        "council": meeting.council.display_name,
        "meeting": {
            "title": meeting.title,
            "starts_at": _iso(meeting.starts_at),
            "ends_at": _iso(meeting.ends_at),
            "started_at": _iso(meeting.started_at),
            "concluded_at": _iso(meeting.concluded_at),
            "place": meeting.place,
            "room": meeting.room,
            "online_link": meeting.online_link,
        },
        "attendance": attendance,
        "on_behalf": on_behalf,
        "proxies": proxies,
        "items": built_items,
    }


# -- drafting -------------------------------------------------------------------


def minutes_for_meeting(*, meeting: Meeting) -> Minutes:
    """The meeting's minutes, created as a draft the first time they are asked for."""
    minutes, _created = Minutes.objects.get_or_create(
        meeting=meeting, defaults={"community_id": meeting.community_id}
    )
    return minutes


def draft_notes(minutes: Minutes) -> dict[int, str]:
    return dict(
        MinutesNote.objects.filter(minutes=minutes).values_list(
            "agenda_item_id", "text"
        )
    )


@transaction.atomic
def minutes_notes_save(*, minutes: Minutes, by, notes: dict[int, str]) -> Minutes:
    """Save the social workers' notes per agenda item while the minutes are a draft."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.is_published:
        raise ValidationError(
            _("These minutes are published: change them through a correction.")
        )
    _save_notes(minutes, by, notes)
    return minutes


def _save_notes(minutes: Minutes, by, notes: dict[int, str]) -> None:
    item_ids = set(
        AgendaItem.objects.filter(meeting_id=minutes.meeting_id).values_list(
            "pk", flat=True
        )
    )
    for item_id, text in notes.items():
        if int(item_id) not in item_ids:
            raise ValidationError(_("That agenda item belongs to another meeting."))
        text = (text or "").strip()
        if len(text) > 5000:
            raise ValidationError(_("Write at most %(n)d characters.") % {"n": 5000})
        MinutesNote.objects.update_or_create(
            minutes=minutes,
            agenda_item_id=int(item_id),
            defaults={"text": text, "updated_by": by},
        )


def _new_version(minutes: Minutes, *, by, reason: str = "") -> MinutesVersion:
    content = minutes_content(meeting=minutes.meeting, notes=draft_notes(minutes))
    number = minutes.current_version + 1
    version = MinutesVersion.objects.create(
        minutes=minutes,
        number=number,
        content=content,
        content_hash=content_hash(content),
        reason=reason,
        created_by=by,
        pdf_requested_at=timezone.now(),
    )
    minutes.current_version = number
    minutes.save(update_fields=["current_version", "updated_at"])
    _enqueue_pdf(version)
    return version


def _enqueue_pdf(version: MinutesVersion) -> None:
    from ..tasks import build_minutes_pdf

    pk = version.pk
    transaction.on_commit(lambda: build_minutes_pdf.delay(pk), robust=True)


def _enqueue_tell(version: MinutesVersion) -> None:
    from ..tasks import tell_minutes

    pk = version.pk
    transaction.on_commit(lambda: tell_minutes.delay(pk), robust=True)


@transaction.atomic
def minutes_publish(
    *, minutes: Minutes, by, notes: dict[int, str] | None = None
) -> MinutesVersion:
    """Publish the minutes once the meeting has ended: version 1, its PDF, the news.

    Residents are told in their inbox (and by email); representatives are asked
    to confirm. Locks the minutes row: publishing twice makes one version.
    """
    minutes = (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("meeting__community", "community")
        .get(pk=minutes.pk)
    )
    if minutes.is_published:
        raise ValidationError(_("These minutes are already published."))
    meeting = minutes.meeting
    if meeting.status != MeetingStatus.CONCLUDED:
        raise ValidationError(_("Minutes are published once the meeting has ended."))
    if notes:
        _save_notes(minutes, by, notes)
    version = _new_version(minutes, by=by)
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = version.created_at
    minutes.published_by = by
    minutes.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    meeting_page_changed(meeting)  # "Read the minutes" on the meeting page
    # Each outcome's page links to the published minutes.
    OUTCOME_PAGES.changed(
        *(
            str(pk)
            for pk in Outcome.objects.filter(meeting=meeting).values_list(
                "pk", flat=True
            )
        )
    )
    _enqueue_tell(version)
    return version


@transaction.atomic
def minutes_correct(
    *, minutes: Minutes, by, notes: dict[int, str], reason: str
) -> MinutesVersion:
    """Correct published minutes: a new version from today's data; earlier ones stay."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is corrected and why.")})
    minutes = (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("meeting__community", "community")
        .get(pk=minutes.pk)
    )
    if not minutes.is_published:
        raise ValidationError(
            _("Only published minutes are corrected; edit the draft.")
        )
    _save_notes(minutes, by, notes)
    version = _new_version(minutes, by=by, reason=reason[:300])
    _enqueue_tell(version)
    return version


def minutes_representatives(meeting: Meeting) -> list[Resident]:
    """Who confirms the minutes: seat holders on the meeting's date and alternates who sat."""
    people = {}
    for seat in meeting_seats(meeting):
        people.setdefault(seat.resident_id, seat.resident)
    for attendance in Attendance.objects.filter(
        meeting=meeting, role=AttendanceRole.ALTERNATE, resident__isnull=False
    ).select_related("resident"):
        people.setdefault(attendance.resident_id, attendance.resident)
    return list(people.values())


def minutes_tell(*, version: MinutesVersion) -> int:
    """Tell people a version is published: representatives to confirm it, and (for
    the first version) every resident, in the inbox and by email.

    Run by a task after the publishing commits (a community has thousands of
    residents); once per version and person, by the notifications' keys.
    """
    version = MinutesVersion.objects.select_related(
        "minutes__meeting__community", "minutes__community"
    ).get(pk=version.pk)
    minutes = version.minutes
    meeting = minutes.meeting
    community = minutes.community
    link = minutes.get_absolute_url()
    context = {
        "minutes": minutes,
        "meeting": meeting,
        "community": community,
        "version": version,
    }
    representatives = minutes_representatives(meeting)
    sent = notify(
        recipients=representatives,
        kind="outcomes_minutes_confirm",
        context=context,
        dedupe_key=f"minutes:{minutes.pk}:v{version.number}:confirm",
        link=link,
        community=community,
    )
    told = []
    if version.number == 1:
        rep_ids = {r.pk for r in representatives}
        told = notify(
            recipients=Resident.objects.filter(community=community)
            .exclude(pk__in=rep_ids)
            .select_related("user"),
            kind="outcomes_minutes_published",
            context=context,
            dedupe_key=f"minutes:{minutes.pk}:published",
            link=link,
            community=community,
            channels=["email"],  # the inbox and email; no mass text message
        )
    return len(sent) + len(told)


@transaction.atomic
def minutes_confirm(
    *, minutes: Minutes, resident: Resident, by, now: datetime | None = None
) -> tuple[MinutesConfirmation, bool]:
    """A representative confirms the current version of the minutes (with the time)."""
    minutes = (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=minutes.pk)
    )
    if not minutes.is_published:
        raise ValidationError(_("These minutes are not published yet."))
    if resident.pk not in {r.pk for r in minutes_representatives(minutes.meeting)}:
        raise ValidationError(
            _("Only the meeting's representatives confirm its minutes.")
        )
    version = minutes.versions.get(number=minutes.current_version)
    existing = MinutesConfirmation.objects.filter(
        version=version, resident=resident
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            confirmation = MinutesConfirmation.objects.create(
                version=version,
                resident=resident,
                confirmed_at=now or timezone.now(),
                recorded_by=by,
            )
    except IntegrityError:
        return MinutesConfirmation.objects.get(
            version=version, resident=resident
        ), False
    return confirmation, True


# -- the PDF --------------------------------------------------------------------


def minutes_pdf_request(
    *, version: MinutesVersion, now: datetime | None = None
) -> bool:
    """Ask for a version's PDF again when it is missing and the last ask looks lost."""
    now = now or timezone.now()
    if version.pdf_ready:
        return False
    if version.pdf_requested_at and now - version.pdf_requested_at < PDF_RETRY_AFTER:
        return False
    with transaction.atomic():
        MinutesVersion.objects.filter(pk=version.pk).update(pdf_requested_at=now)
        _enqueue_pdf(version)
    return True


def minutes_pdf_build(*, version: MinutesVersion) -> bool:
    """Render a version's PDF and keep it; a no-op when it is already built."""
    from django.core.files.base import ContentFile

    from ..pdf import render_minutes_pdf

    version = MinutesVersion.objects.select_related(
        "minutes__community", "minutes__meeting"
    ).get(pk=version.pk)
    if version.pdf_ready and version.pdf.storage.exists(version.pdf.name):
        return False
    data = render_minutes_pdf(version=version)
    old_name = version.pdf.name if version.pdf else ""
    version.pdf.save("minutes.pdf", ContentFile(data), save=False)
    version.pdf_hash = version.content_hash
    version.pdf_built_at = timezone.now()
    version.pdf_error = ""
    version.save(update_fields=["pdf", "pdf_hash", "pdf_built_at", "pdf_error"])
    if old_name and old_name != version.pdf.name:
        version.pdf.storage.delete(old_name)
    return True


def minutes_without_pdf(*, now: datetime | None = None) -> list[int]:
    """Versions whose PDF is missing and was asked for long enough ago (for the sweep)."""
    now = now or timezone.now()
    return list(
        MinutesVersion.objects.filter(
            Q(pdf="") | ~Q(pdf_hash=F("content_hash")),
            pdf_requested_at__lte=now - PDF_RETRY_AFTER,
        ).values_list("pk", flat=True)[:100]
    )
