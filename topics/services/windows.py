"""Collection windows (议题征集期): opened and moved by the council, closed on time."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify
from residents.models import Community, Resident

from ..models import (
    OPEN_STATUSES,
    WAITING_STATUSES,
    CollectionWindow,
    Topic,
    TopicEvent,
    TopicEventKind,
    TopicStatus,
)
from ..selectors import COMMUNITY_TOPICS
from .common import (
    REMINDER_BEFORE_DEADLINE,
    enqueue_close,
    record_event,
    staff_and_social_workers,
    tell_submitter,
)


def _attach_waiting_topics(window: CollectionWindow) -> int:
    """Put every topic waiting for a window of this community into `window`."""
    waiting = list(
        Topic.objects.select_for_update()
        .filter(community_id=window.community_id, window__isnull=True)
        .filter(status__in=WAITING_STATUSES)
        .values_list("pk", flat=True)
    )
    if not waiting:
        return 0
    Topic.objects.filter(pk__in=waiting).update(
        window=window, updated_at=timezone.now()
    )
    TopicEvent.objects.bulk_create(
        TopicEvent(
            topic_id=pk,
            kind=TopicEventKind.WINDOW_ATTACHED,
            payload={"window": window.title, "closes_at": window.closes_at.isoformat()},
        )
        for pk in waiting
    )
    return len(waiting)


@transaction.atomic
def collection_window_open(
    *, community: Community, title: str, opens_at, closes_at, meeting_starts_at=None
) -> CollectionWindow:
    """Create the collection window for a meeting being scheduled.

    Topics waiting for a window (submitted while none was open, or deferred when
    there was no next meeting yet) go into it. Collection is closed at `closes_at`
    by an ETA task enqueued on commit (and by the minute sweep if that one is lost).
    """
    if closes_at <= opens_at:
        raise ValidationError(_("Topic collection must close after it opens."))
    window = CollectionWindow(
        community=community,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        meeting_starts_at=meeting_starts_at,
    )
    window.full_clean()
    window.save()
    if closes_at > timezone.now():
        _attach_waiting_topics(window)
    enqueue_close(window)
    COMMUNITY_TOPICS.changed(str(window.community_id))
    return window


@transaction.atomic
def collection_window_move(
    *,
    window: CollectionWindow,
    opens_at,
    closes_at,
    title: str | None = None,
    meeting_starts_at=None,
) -> CollectionWindow:
    """Move a window's dates (the meeting was rescheduled).

    A window already closed stays closed: its topics are under review.
    """
    if closes_at <= opens_at:
        raise ValidationError(_("Topic collection must close after it opens."))
    window = CollectionWindow.objects.select_for_update().get(pk=window.pk)
    previous_closes_at = window.closes_at
    moved_deadline = previous_closes_at != closes_at
    window.opens_at = opens_at
    window.closes_at = closes_at
    fields = ["opens_at", "closes_at"]
    if title is not None:
        window.title = title
        fields.append("title")
    if meeting_starts_at is not None:
        window.meeting_starts_at = meeting_starts_at
        fields.append("meeting_starts_at")
    if moved_deadline and window.reminder_sent_at and closes_at > previous_closes_at:
        window.reminder_sent_at = None
        fields.append("reminder_sent_at")
    window.save(update_fields=fields)
    if moved_deadline and window.closed_at is None:
        enqueue_close(window)
    COMMUNITY_TOPICS.changed(str(window.community_id))
    return window


@transaction.atomic
def collection_window_close(
    *, window: CollectionWindow, now=None, early: bool = False
) -> bool:
    """Close collection once its deadline has passed; start review; tell staff.

    `early` closes it before its deadline (the council published the agenda).
    Idempotent: returns False (and does nothing) when the window is already closed
    or its deadline has not come (an ETA task for a window since moved later).
    """
    now = now or timezone.now()
    window = (
        CollectionWindow.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=window.pk)
    )
    if window.closed_at is not None or (now < window.closes_at and not early):
        return False
    window.closed_at = now
    window.save(update_fields=["closed_at"])
    to_review = list(
        Topic.objects.filter(window=window, status__in=WAITING_STATUSES).values_list(
            "pk", flat=True
        )
    )
    Topic.objects.filter(pk__in=to_review).update(
        status=TopicStatus.IN_TRIAGE, updated_at=now
    )
    TopicEvent.objects.bulk_create(
        TopicEvent(
            topic_id=pk,
            kind=TopicEventKind.REVIEW_STARTED,
            payload={"window": window.title},
            created_at=now,
        )
        for pk in to_review
    )
    link = (
        reverse("topics:topic_list", kwargs={"community": window.community.slug})
        + f"?window={window.pk}&status={TopicStatus.IN_TRIAGE}"
    )
    notify(
        recipients=staff_and_social_workers(window.community),
        kind="topics_review_open",
        context={
            "window": window,
            "community": window.community,
            "topic_count": len(to_review),
        },
        dedupe_key=f"window:{window.pk}:closed",
        link=link,
        community=window.community,
    )
    COMMUNITY_TOPICS.changed(str(window.community_id))
    return True


@transaction.atomic
def collection_window_cancel(
    *, window: CollectionWindow, by=None, reason: str = "", now=None
) -> int:
    """The window's meeting was cancelled: close it and move its topics on.

    Topics still alive in it (submitted, under review, deferred into it, or
    accepted onto the cancelled agenda) go into the next window that accepts
    topics, or wait for the next one opened (which picks them up). Each submitter
    is told where. A closed window never accepts topics again, so no lookup of
    the window open now returns this one. Returns how many topics moved;
    running it again moves none.
    """
    now = now or timezone.now()
    window = (
        CollectionWindow.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=window.pk)
    )
    if window.closed_at is None:
        window.closed_at = now
        window.save(update_fields=["closed_at"])
    next_window = (
        CollectionWindow.objects.filter(community_id=window.community_id)
        .accepting_at(now)
        .exclude(pk=window.pk)
        .first()
    )
    topics = list(
        Topic.objects.select_for_update(of=("self",))
        .select_related("community", "submitter")
        .filter(window=window, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    reason = (reason or "").strip()
    for topic in topics:
        topic.window = next_window
        if topic.status != TopicStatus.DEFERRED:
            topic.status = TopicStatus.SUBMITTED
        topic.save(update_fields=["window", "status", "updated_at"])
        record_event(
            topic,
            TopicEventKind.MEETING_CANCELLED,
            actor=by,
            note=reason,
            window=window.title,
            moved_to=next_window.title if next_window else "",
        )
        tell_submitter(
            topic,
            "topics_meeting_cancelled",
            f"meeting_cancelled:{window.pk}",
            window=window,
            next_window=next_window,
            reason=reason,
        )
    COMMUNITY_TOPICS.changed(str(window.community_id))
    return len(topics)


@transaction.atomic
def collection_window_remind(*, window: CollectionWindow, now=None) -> int:
    """Remind opted-in residents two days before collection closes (once)."""
    now = now or timezone.now()
    window = (
        CollectionWindow.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=window.pk)
    )
    if (
        window.reminder_sent_at is not None
        or window.closed_at is not None
        or not (window.closes_at - REMINDER_BEFORE_DEADLINE <= now < window.closes_at)
    ):
        return 0
    window.reminder_sent_at = now
    window.save(update_fields=["reminder_sent_at"])
    residents = Resident.objects.filter(
        community_id=window.community_id, topic_reminder_opt_in__isnull=False
    ).select_related("user")
    sent = notify(
        recipients=residents,
        kind="topics_deadline_reminder",
        context={"window": window, "community": window.community},
        dedupe_key=f"window:{window.pk}:reminder2d",
        link=reverse(
            "topics:topic_submit", kwargs={"community": window.community.slug}
        ),
        community=window.community,
    )
    return len(sent)


def collection_windows_sweep(*, now=None) -> dict:
    """Close every window whose deadline passed and send due reminders.

    Run every minute by beat; catches an ETA task that was lost or late.
    """
    now = now or timezone.now()
    closed = 0
    for window in CollectionWindow.objects.due_to_close(now).only("pk"):
        closed += collection_window_close(window=window, now=now)
    reminded = 0
    due_reminders = CollectionWindow.objects.filter(
        closed_at__isnull=True,
        reminder_sent_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + REMINDER_BEFORE_DEADLINE,
    ).only("pk")
    for window in due_reminders:
        collection_window_remind(window=window, now=now)
        reminded += 1
    return {"closed": closed, "reminded": reminded}
