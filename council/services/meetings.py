"""Meetings: scheduling, announcing, moving, publishing, starting, ending, reminders."""

from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.display import format_day
from core.forms import EARLIEST_DATE
from core.scheduling import enqueue_at
from notifications.services import notify
from residents.models import Community
from topics.services import (
    collection_window_cancel,
    collection_window_close,
    collection_window_move,
    collection_window_open,
)

from ..models import (
    ANNOUNCED_STATUSES,
    MEETING_HORIZON,
    MEETING_MAX_LENGTH,
    Council,
    Meeting,
    MeetingStatus,
)
from ..selectors import (
    COMMUNITY_MEETINGS,
    MEETING_CHECK_IN,
    MEETING_PAGES,
    meeting_participants,
)

REMINDERS = {"24h": timedelta(hours=24), "2h": timedelta(hours=2)}
# The code of the ValidationError a step raises when it needs confirming first;
# its message says why (Meeting.confirmation_for).
NEEDS_CONFIRMATION = "needs_confirmation"


def _require_confirmation(meeting: Meeting, key: str, *, confirm: bool, now) -> None:
    reason = meeting.confirmation_for(key, now)
    if reason and not confirm:
        raise ValidationError(reason, code=NEEDS_CONFIRMATION)


def _close_collection(meeting: Meeting, *, now) -> None:
    """End topic collection now, deadline or not: no topic joins after this."""
    if meeting.window_id and meeting.window.closed_at is None:
        collection_window_close(window=meeting.window, now=now, early=True)
        meeting.window.refresh_from_db()


def _window_closes_at(council: Council, starts_at: datetime) -> datetime:
    return starts_at - timedelta(days=council.collection_lead_days)


def _check_calendar(*, starts_at, ends_at, now) -> None:
    """A start between 2000 and five years ahead; an end the same day or so."""
    earliest = datetime.combine(EARLIEST_DATE, time.min, tzinfo=UTC)
    if not (earliest <= starts_at <= now + MEETING_HORIZON):
        raise ValidationError(
            {
                "starts_at": _("Choose a date between %(earliest)s and %(latest)s.")
                % {
                    "earliest": format_day(EARLIEST_DATE),
                    "latest": format_day(now + MEETING_HORIZON),
                }
            }
        )
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    if ends_at - starts_at > MEETING_MAX_LENGTH:
        raise ValidationError({"ends_at": _("A meeting can last at most 24 hours.")})


def _check_times(*, council, starts_at, ends_at, confirm_short_window, now):
    _check_calendar(starts_at=starts_at, ends_at=ends_at, now=now)
    if starts_at <= now:
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    closes_at = _window_closes_at(council, starts_at)
    if closes_at <= now and not confirm_short_window:
        raise ValidationError(
            {
                "starts_at": _(
                    "Topic collection would already be closed: it closes "
                    "%(days)d days before the meeting. Choose a later date, or "
                    "confirm a short collection period."
                )
                % {"days": council.collection_lead_days}
            }
        )
    return closes_at


def _short_window_closes_at(*, closes_at, starts_at, now):
    """A confirmed short window closes halfway between now and the meeting."""
    if closes_at > now:
        return closes_at
    return now + (starts_at - now) / 2


def _schedule_reminders(meeting: Meeting) -> None:
    from ..tasks import send_meeting_reminder

    starts_at = meeting.starts_at
    now = timezone.now()
    for which, before in REMINDERS.items():
        eta = starts_at - before
        if eta <= now:
            continue  # the sweep sends it if still relevant
        # Beyond the ETA horizon meeting_reminders_sweep sends it when due.
        transaction.on_commit(
            lambda which=which, eta=eta: enqueue_at(
                send_meeting_reminder,
                args=[meeting.pk, which, starts_at.isoformat()],
                eta=eta,
            )
        )


def _open_window(meeting: Meeting, *, confirm_short_window: bool, now) -> None:
    closes_at = _check_times(
        council=meeting.council,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        confirm_short_window=confirm_short_window,
        now=now,
    )
    closes_at = _short_window_closes_at(
        closes_at=closes_at, starts_at=meeting.starts_at, now=now
    )
    meeting.window = collection_window_open(
        community=meeting.community,
        title=meeting.title,
        opens_at=now,
        closes_at=closes_at,
        meeting_starts_at=meeting.starts_at,
    )


@transaction.atomic
def meeting_schedule(
    *,
    community: Community,
    by,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    room: str = "",
    online_link: str = "",
    description: str = "",
    confirm_short_window: bool = False,
    draft: bool = False,
) -> Meeting:
    """Schedule a meeting and open its topic collection window (now until lead time)."""
    council = Council.objects.get(community=community)
    now = timezone.now()
    if not (place.strip() or online_link.strip()):
        raise ValidationError(
            {"place": _("Give an address, an online meeting link, or both.")}
        )
    meeting = Meeting(
        council=council,
        community=community,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        room=room.strip(),
        online_link=online_link.strip(),
        description=description.strip(),
        status=MeetingStatus.DRAFT,
        created_by=by,
    )
    if draft:
        _check_calendar(starts_at=starts_at, ends_at=ends_at, now=now)
    else:
        _open_window(meeting, confirm_short_window=confirm_short_window, now=now)
        meeting.status = MeetingStatus.COLLECTING
    meeting.full_clean(exclude=["window", "check_in_token"])
    meeting.save()
    if not draft:
        _schedule_reminders(meeting)
    _meeting_changed(meeting)
    return meeting


def meeting_page_changed(meeting: Meeting) -> None:
    """The meeting page and its check-in list show this write from the next visit
    (its agenda, its invitations, its attendance): once the transaction commits."""
    MEETING_PAGES.changed(str(meeting.pk))
    MEETING_CHECK_IN.changed(str(meeting.community_id))


def _meeting_changed(meeting: Meeting) -> None:
    """The meeting itself changed: its page, and the community's next meeting."""
    COMMUNITY_MEETINGS.changed(str(meeting.community_id))
    meeting_page_changed(meeting)


def locked_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("council", "community", "window")
        .get(pk=meeting.pk)
    )


def _refuse_move(meeting: Meeting, target) -> None:
    if meeting.can_move_to(target):
        return
    if meeting.status == MeetingStatus.DRAFT and target != MeetingStatus.CANCELLED:
        raise ValidationError(_("Schedule the meeting first: it is still a draft."))
    messages = {
        MeetingStatus.CONCLUDED: _("Only a meeting in progress can be concluded."),
        MeetingStatus.IN_PROGRESS: _("Publish the agenda before opening the meeting."),
        MeetingStatus.AGENDA_PUBLISHED: _(
            "The agenda can only be published before the meeting opens."
        ),
        MeetingStatus.CANCELLED: _(
            "A meeting that has opened, ended or been cancelled cannot be cancelled."
        ),
    }
    raise ValidationError(
        messages.get(
            target,
            _("A %(status)s meeting cannot be changed that way.")
            % {"status": meeting.get_status_display()},
        )
    )


@transaction.atomic
def meeting_announce(*, meeting: Meeting, by, confirm_short_window=False) -> Meeting:
    """Schedule a draft meeting: open its collection window and remind invitees."""
    meeting = locked_meeting(meeting)
    if not meeting.can_move_to(MeetingStatus.COLLECTING):
        raise ValidationError(_("Only a draft meeting can be scheduled."))
    if meeting.window_id is None:
        _open_window(
            meeting, confirm_short_window=confirm_short_window, now=timezone.now()
        )
    meeting.status = MeetingStatus.COLLECTING
    meeting.save(update_fields=["window", "status", "updated_at"])
    _schedule_reminders(meeting)
    _meeting_changed(meeting)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by,
    starts_at: datetime,
    ends_at: datetime,
    confirm_short_window: bool = False,
    title: str | None = None,
    place: str | None = None,
    room: str | None = None,
    online_link: str | None = None,
    description: str | None = None,
) -> Meeting:
    """Change a meeting's time (moving the collection deadline) or its details.

    When the time changes, the window closes at the new start less the lead time,
    and everyone invited is told.
    """
    meeting = locked_meeting(meeting)
    if not meeting.can_reschedule:
        raise ValidationError(
            _("A %(status)s meeting cannot be rescheduled.")
            % {"status": meeting.get_status_display()}
        )
    fields = ["updated_at"]
    for name, value in (
        ("title", title),
        ("place", place),
        ("room", room),
        ("online_link", online_link),
        ("description", description),
    ):
        if value is not None and value.strip() != getattr(meeting, name):
            setattr(meeting, name, value.strip())
            fields.append(name)
    if not (meeting.place or meeting.online_link):
        raise ValidationError(
            {"place": _("Give an address, an online meeting link, or both.")}
        )
    old_starts_at = meeting.starts_at
    moved = starts_at != meeting.starts_at or ends_at != meeting.ends_at
    now = timezone.now()
    if moved:
        if meeting.is_draft:
            _check_calendar(starts_at=starts_at, ends_at=ends_at, now=now)
        else:
            closes_at = _check_times(
                council=meeting.council,
                starts_at=starts_at,
                ends_at=ends_at,
                # Once collection has closed (or the agenda is out) a short
                # window no longer matters: the window stays closed.
                confirm_short_window=confirm_short_window
                or meeting.status == MeetingStatus.AGENDA_PUBLISHED
                or meeting.window.closed_at is not None,
                now=now,
            )
            window = meeting.window
            if (
                meeting.status != MeetingStatus.AGENDA_PUBLISHED
                and window.closed_at is None
            ):
                closes_at = _short_window_closes_at(
                    closes_at=closes_at, starts_at=starts_at, now=now
                )
            opens_at = min(window.opens_at, closes_at - timedelta(minutes=1))
            meeting.window = collection_window_move(
                window=window,
                opens_at=opens_at,
                closes_at=closes_at,
                title=meeting.title if "title" in fields else None,
                meeting_starts_at=starts_at,
            )
        meeting.starts_at = starts_at
        meeting.ends_at = ends_at
        fields += ["starts_at", "ends_at"]
    elif "title" in fields and meeting.window_id:
        collection_window_move(
            window=meeting.window,
            opens_at=meeting.window.opens_at,
            closes_at=meeting.window.closes_at,
            title=meeting.title,
        )
    meeting.full_clean(exclude=["window", "check_in_token"])
    meeting.save(update_fields=fields)
    if moved and meeting.status != MeetingStatus.DRAFT:
        notify(
            recipients=meeting_participants(meeting),
            kind="council_meeting_rescheduled",
            context={"meeting": meeting, "old_starts_at": old_starts_at},
            dedupe_key=(
                f"meeting:{meeting.pk}:rescheduled:{int(meeting.starts_at.timestamp())}"
                f":{int(old_starts_at.timestamp())}"
            ),
            link=meeting.get_absolute_url(),
            community=meeting.community,
        )
        _schedule_reminders(meeting)
    _meeting_changed(meeting)
    return meeting


@transaction.atomic
def agenda_publish(*, meeting: Meeting, by, confirm: bool = False) -> Meeting:
    """Publish the agenda, close topic collection and tell everyone invited.

    While collection is still open this needs `confirm`: publishing ends it early
    (topics submitted afterwards go to the next meeting).
    """
    meeting = locked_meeting(meeting)
    _refuse_move(meeting, MeetingStatus.AGENDA_PUBLISHED)
    if not meeting.agenda_items.exists():
        raise ValidationError(_("Add at least one agenda item before publishing."))
    now = timezone.now()
    _require_confirmation(meeting, "publish", confirm=confirm, now=now)
    _close_collection(meeting, now=now)
    meeting.status = MeetingStatus.AGENDA_PUBLISHED
    meeting.agenda_published_at = now
    meeting.save(update_fields=["status", "agenda_published_at", "updated_at"])
    _meeting_changed(meeting)
    notify(
        recipients=meeting_participants(meeting),
        kind="council_agenda_published",
        context={
            "meeting": meeting,
            "items": list(meeting.agenda_items.order_by("position")),
        },
        dedupe_key=f"meeting:{meeting.pk}:agenda_published",
        link=meeting.get_absolute_url(),
        community=meeting.community,
    )
    return meeting


@transaction.atomic
def meeting_start(*, meeting: Meeting, by, confirm: bool = False) -> Meeting:
    """Open the meeting: check-in (QR included) is possible from now.

    Opening on an earlier day than scheduled needs `confirm`, and moves the
    recorded start (and end, keeping the length) to now, so every page tells
    the same story. On the day itself the schedule stays as it is.
    """
    meeting = locked_meeting(meeting)
    _refuse_move(meeting, MeetingStatus.IN_PROGRESS)
    now = timezone.now()
    _require_confirmation(meeting, "start", confirm=confirm, now=now)
    _close_collection(meeting, now=now)
    fields = ["status", "started_at", "updated_at"]
    if meeting.opens_before_its_day(now):
        length = meeting.ends_at - meeting.starts_at
        meeting.starts_at, meeting.ends_at = now, now + length
        fields += ["starts_at", "ends_at"]
        if meeting.window_id:
            meeting.window = collection_window_move(
                window=meeting.window,
                opens_at=meeting.window.opens_at,
                closes_at=meeting.window.closes_at,
                meeting_starts_at=now,
            )
    meeting.status = MeetingStatus.IN_PROGRESS
    meeting.started_at = now
    meeting.save(update_fields=fields)
    _meeting_changed(meeting)
    return meeting


@transaction.atomic
def meeting_conclude(*, meeting: Meeting, by) -> Meeting:
    meeting = locked_meeting(meeting)
    _refuse_move(meeting, MeetingStatus.CONCLUDED)
    meeting.status = MeetingStatus.CONCLUDED
    meeting.concluded_at = timezone.now()
    meeting.save(update_fields=["status", "concluded_at", "updated_at"])
    _meeting_changed(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by, reason: str = "") -> Meeting:
    """Cancel the meeting, keep its record and tell everyone invited.

    Its topic collection closes, and its topics move on to the next meeting's
    collection (or wait for the next one scheduled); their submitters are told.
    """
    meeting = locked_meeting(meeting)
    _refuse_move(meeting, MeetingStatus.CANCELLED)
    was_announced = not meeting.is_draft
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()
    meeting.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"]
    )
    if meeting.window_id:
        collection_window_cancel(
            window=meeting.window,
            by=by,
            reason=meeting.cancel_reason,
            now=meeting.cancelled_at,
        )
    if was_announced:
        notify(
            recipients=meeting_participants(meeting),
            kind="council_meeting_cancelled",
            context={"meeting": meeting, "reason": meeting.cancel_reason},
            dedupe_key=f"meeting:{meeting.pk}:cancelled",
            link=meeting.get_absolute_url(),
            community=meeting.community,
        )
    _meeting_changed(meeting)
    return meeting


@transaction.atomic
def meeting_remind(*, meeting: Meeting, which: str, now: datetime | None = None) -> int:
    """Send the 24 h or 2 h reminder if it is due; exactly once per meeting time.

    The key carries the start time, so a rescheduled meeting is reminded again
    for its new time and never twice for one time.
    """
    now = now or timezone.now()
    meeting = (
        Meeting.objects.select_related("community", "council").filter(pk=meeting.pk)
    ).first()
    if meeting is None or meeting.status not in ANNOUNCED_STATUSES:
        return 0
    before = REMINDERS[which]
    if not (meeting.starts_at - before <= now < meeting.starts_at):
        return 0
    if which == "24h" and now >= meeting.starts_at - REMINDERS["2h"]:
        return 0  # the 2 h reminder supersedes a late 24 h one
    created = notify(
        recipients=meeting_participants(meeting),
        kind="council_meeting_reminder",
        context={"meeting": meeting, "which": which},
        dedupe_key=(
            f"meeting:{meeting.pk}:reminder{which}:{int(meeting.starts_at.timestamp())}"
        ),
        link=meeting.get_absolute_url(),
        community=meeting.community,
    )
    return len(created)


def meeting_reminders_sweep(*, now: datetime | None = None) -> int:
    """Send any reminder an ETA task missed (run by beat every few minutes)."""
    now = now or timezone.now()
    sent = 0
    due = Meeting.objects.filter(
        status__in=ANNOUNCED_STATUSES,
        starts_at__gt=now,
        starts_at__lte=now + REMINDERS["24h"],
    ).only("pk", "starts_at")
    for meeting in due:
        which = "2h" if meeting.starts_at - now <= REMINDERS["2h"] else "24h"
        sent += meeting_remind(meeting=meeting, which=which, now=now)
    return sent
