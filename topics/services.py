"""Every write to topics, their deliberation, collection windows and consultations.

The council never writes topic rows itself: it calls the services here
(`topic_accept`, `topic_decline`, `topic_merge`, `topic_defer`, `topic_record_vote`,
`topic_mark_decided`), each of which appends a TopicEvent to the topic's own history
and tells the submitter.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scheduling import enqueue_at
from notifications.services import notify
from residents.models import Community, Organization, Resident, Role

from .images import MAX_PHOTOS
from .models import (
    WAITING_STATUSES,
    CollectionWindow,
    Comment,
    CommentKind,
    CommentReport,
    ConsultationPosition,
    DeadlineReminderOptIn,
    Endorsement,
    PreConsultation,
    Topic,
    TopicCategory,
    TopicEvent,
    TopicEventKind,
    TopicPhoto,
    TopicStatus,
)
from .selectors import may_act_for_topic

# A topic can be triaged (accepted, merged, declined, deferred) from these statuses.
TRIAGE_STATUSES = (TopicStatus.SUBMITTED, TopicStatus.IN_TRIAGE, TopicStatus.DEFERRED)
REMINDER_BEFORE_DEADLINE = timedelta(days=2)


# -- helpers -----------------------------------------------------------------


def _event(topic: Topic, kind: str, *, actor=None, note: str = "", **payload):
    return TopicEvent.objects.create(
        topic=topic, kind=kind, actor=actor, note=note, payload=payload
    )


def _lock(topic: Topic) -> Topic:
    return (
        Topic.objects.select_for_update(of=("self",))
        .select_related("community", "submitter", "window")
        .get(pk=topic.pk)
    )


def _tell_submitter(topic: Topic, kind: str, event: str, **context) -> None:
    notify(
        recipients=[topic.submitter],
        kind=kind,
        context={"topic": topic, "community": topic.community, **context},
        dedupe_key=f"topic:{topic.pk}:{event}",
        link=topic.get_absolute_url(),
        community=topic.community,
    )


def _staff_and_social_workers(community: Community):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__community=community,
            memberships__role__in=[Role.STAFF, Role.SOCIAL_WORKER],
            is_active=True,
        )
        .distinct()
    )


def _enqueue_close(window: CollectionWindow) -> None:
    from .tasks import close_collection_window

    window_id, eta = window.pk, window.closes_at
    # Beyond the ETA horizon the minute sweep closes it when due.
    transaction.on_commit(
        lambda: enqueue_at(close_collection_window, args=[window_id], eta=eta)
    )


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# -- collection windows --------------------------------------------------------


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
    _enqueue_close(window)
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
        _enqueue_close(window)
    return window


@transaction.atomic
def collection_window_close(*, window: CollectionWindow, now=None) -> bool:
    """Close collection once its deadline has passed; start review; tell staff.

    Idempotent: returns False (and does nothing) when the window is already closed
    or its deadline has not come (an ETA task for a window since moved later).
    """
    now = now or timezone.now()
    window = (
        CollectionWindow.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=window.pk)
    )
    if window.closed_at is not None or now < window.closes_at:
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
    from django.urls import reverse

    link = (
        reverse("topics:topic_list", kwargs={"community": window.community.slug})
        + f"?window={window.pk}&status={TopicStatus.IN_TRIAGE}"
    )
    notify(
        recipients=_staff_and_social_workers(window.community),
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
    return True


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
    from django.urls import reverse

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


def window_for_new_topic(*, community: Community, now=None) -> CollectionWindow | None:
    """The window a topic submitted now goes into: the open one, else the next one."""
    now = now or timezone.now()
    return (
        CollectionWindow.objects.filter(community=community).accepting_at(now).first()
    )


# -- submission ----------------------------------------------------------------


def _clean_topic_fields(*, title, description, category, location) -> dict:
    title = _require_text(title, "title", _("Give the topic a short title."))
    description = _require_text(
        description, "description", _("Say what the problem is and what you hope for.")
    )
    if category not in TopicCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    return {
        "title": title,
        "description": description,
        "category": category,
        "location": (location or "").strip(),
    }


def _add_photos(topic: Topic, photos: Iterable, start: int = 0) -> None:
    for position, photo in enumerate(photos, start=start):
        TopicPhoto.objects.create(topic=topic, image=photo, position=position)


@transaction.atomic
def topic_submit(
    *,
    community: Community,
    submitter: Resident,
    by,
    title: str,
    description: str,
    category: str = TopicCategory.OTHER,
    location: str = "",
    photos: Iterable = (),
    now=None,
) -> Topic:
    """Submit a topic into the open (or next) collection window, or let it wait.

    `by` is the user doing it: the submitter themself, or staff or a social worker
    recording it for a resident who came in person or called. `photos` are files
    already checked and re-encoded by `topics.images.prepare_photo`.
    """
    now = now or timezone.now()
    if submitter.community_id != community.pk:
        raise ValidationError(_("This resident is not registered in this community."))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("Add at most %(n)d photos.") % {"n": MAX_PHOTOS}}
        )
    fields = _clean_topic_fields(
        title=title, description=description, category=category, location=location
    )
    on_behalf = by is not None and by.pk != submitter.user_id
    window = window_for_new_topic(community=community, now=now)
    topic = Topic(
        community=community,
        window=window,
        submitter=submitter,
        recorded_by=by if on_behalf else None,
        endorsement_count=1,
        **fields,
    )
    topic.full_clean()
    topic.save()
    # Whoever raises a topic supports it: counted once, as its first supporter.
    Endorsement.objects.create(topic=topic, resident=submitter)
    _add_photos(topic, photos)
    _event(
        topic,
        TopicEventKind.SUBMITTED,
        actor=by,
        window=window.title if window else "",
    )
    if on_behalf:
        _event(
            topic,
            TopicEventKind.RECORDED,
            actor=by,
            recorded_by=str(by),
            resident=submitter.name,
        )
        _tell_submitter(topic, "topics_recorded_for_you", "recorded", recorded_by=by)
    return topic


@transaction.atomic
def topic_update(
    *,
    topic: Topic,
    by,
    title: str,
    description: str,
    category: str,
    location: str = "",
    add_photos: Iterable = (),
    remove_photo_ids: Iterable[int] = (),
) -> Topic:
    """Edit a topic; only its submitter (or staff for them), only before review."""
    topic = _lock(topic)
    if not may_act_for_topic(topic=topic, user=by):
        raise ValidationError(
            _("Only the person who submitted this topic can edit it.")
        )
    if not topic.is_editable:
        raise ValidationError(
            _("Review of this topic has started, so it can no longer be edited.")
        )
    fields = _clean_topic_fields(
        title=title, description=description, category=category, location=location
    )
    remove_ids = {int(pk) for pk in remove_photo_ids}
    removed = list(TopicPhoto.objects.filter(topic=topic, pk__in=remove_ids))
    for photo in removed:
        photo.delete()
    if removed:
        storage = removed[0].image.storage
        names = [photo.image.name for photo in removed]
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    add_photos = list(add_photos)
    kept = TopicPhoto.objects.filter(topic=topic).count()
    if kept + len(add_photos) > MAX_PHOTOS:
        raise ValidationError(
            {
                "photos": _(
                    "A topic can have at most %(n)d photos; it has %(kept)d already."
                )
                % {"n": MAX_PHOTOS, "kept": kept}
            }
        )
    changed = [name for name, value in fields.items() if getattr(topic, name) != value]
    for name, value in fields.items():
        setattr(topic, name, value)
    topic.save(update_fields=[*fields, "updated_at"])
    last = TopicPhoto.objects.filter(topic=topic).order_by("-position").first()
    _add_photos(topic, add_photos, start=(last.position + 1) if last else 0)
    if changed or add_photos or remove_ids:
        _event(topic, TopicEventKind.EDITED, actor=by, fields=changed)
    return topic


@transaction.atomic
def topic_withdraw(*, topic: Topic, by, reason: str = "") -> Topic:
    """Withdraw a topic any time before the meeting starts (and before a decision).

    The meeting's start is known when the council passed `meeting_starts_at` to
    collection_window_open / collection_window_move.
    """
    topic = _lock(topic)
    if not may_act_for_topic(topic=topic, user=by):
        raise ValidationError(
            _("Only the person who submitted this topic can withdraw it.")
        )
    if not topic.is_withdrawable:
        raise ValidationError(_("This topic can no longer be withdrawn."))
    topic.status = TopicStatus.WITHDRAWN
    topic.save(update_fields=["status", "updated_at"])
    _event(topic, TopicEventKind.WITHDRAWN, actor=by, note=(reason or "").strip())
    return topic


# -- triage (called by the council's triage page) ---------------------------------


def _require_triage(topic: Topic) -> None:
    if topic.status not in TRIAGE_STATUSES:
        raise ValidationError(
            _("This topic has already been dealt with (%(status)s).")
            % {"status": topic.get_status_display()}
        )


@transaction.atomic
def topic_accept(
    *, topic: Topic, by, note: str = "", meeting: str = "", link: str = ""
) -> Topic:
    """Accept a topic onto a meeting's agenda.

    `meeting` (its title) and `link` (its page) are kept in the topic's history so
    the topic page can say where it went without reading council tables.
    """
    topic = _lock(topic)
    _require_triage(topic)
    topic.status = TopicStatus.ACCEPTED
    topic.save(update_fields=["status", "updated_at"])
    _event(
        topic,
        TopicEventKind.ACCEPTED,
        actor=by,
        note=(note or "").strip(),
        meeting=meeting,
        link=link,
    )
    _tell_submitter(
        topic, "topics_accepted", "accepted", meeting=meeting, note=(note or "").strip()
    )
    return topic


@transaction.atomic
def topic_decline(*, topic: Topic, by, reason: str) -> Topic:
    """Decline a topic; the reason is shown to the submitter and on the topic page."""
    reason = _require_text(
        reason, "reason", _("Say why, so the resident understands the decision.")
    )
    topic = _lock(topic)
    _require_triage(topic)
    topic.status = TopicStatus.DECLINED
    topic.decline_reason = reason
    topic.save(update_fields=["status", "decline_reason", "updated_at"])
    _event(topic, TopicEventKind.DECLINED, actor=by, note=reason)
    _tell_submitter(topic, "topics_declined", "declined", reason=reason)
    return topic


@transaction.atomic
def topic_defer(*, topic: Topic, by, note: str = "", now=None) -> Topic:
    """Move a topic to the next meeting's collection window (or let it wait for one)."""
    now = now or timezone.now()
    topic = _lock(topic)
    _require_triage(topic)
    next_window = (
        CollectionWindow.objects.filter(community_id=topic.community_id)
        .accepting_at(now)
        .exclude(pk=topic.window_id)
        .first()
    )
    topic.status = TopicStatus.DEFERRED
    topic.window = next_window
    topic.save(update_fields=["status", "window", "updated_at"])
    window_title = next_window.title if next_window else ""
    event = _event(
        topic,
        TopicEventKind.DEFERRED,
        actor=by,
        note=(note or "").strip(),
        window=window_title,
    )
    _tell_submitter(
        topic, "topics_deferred", f"deferred:{event.pk}", window=next_window
    )
    return topic


@transaction.atomic
def topic_merge(*, topic: Topic, into: Topic, by) -> Topic:
    """Merge `topic` into `into`: its endorsements and comments move over.

    A resident who endorsed both keeps one endorsement on `into` (no double
    counting); counters on both topics are recomputed from the rows. Both rows are
    locked (in primary-key order, so two merges cannot deadlock).
    """
    if topic.pk == into.pk:
        raise ValidationError(_("A topic cannot be merged into itself."))
    locked = {
        t.pk: t
        for t in Topic.objects.select_for_update(of=("self",))
        .select_related("community", "submitter", "window")
        .filter(pk__in=[topic.pk, into.pk])
        .order_by("pk")
    }
    topic, into = locked[topic.pk], locked[into.pk]
    if topic.community_id != into.community_id:
        raise ValidationError(_("Topics from different communities cannot be merged."))
    _require_triage(topic)
    if not into.accepts_deliberation:
        raise ValidationError(
            _("“%(title)s” is %(status)s; choose another topic to merge into.")
            % {"title": into.title, "status": into.get_status_display()}
        )
    both = Endorsement.objects.filter(
        topic=topic,
        resident_id__in=Endorsement.objects.filter(topic=into).values("resident_id"),
    )
    duplicates = both.count()
    if duplicates:
        Endorsement.objects.filter(
            pk__in=list(both.values_list("pk", flat=True))
        ).delete()
    moved = Endorsement.objects.filter(topic=topic).update(topic=into)
    moved_comments = Comment.objects.filter(topic=topic).update(topic=into)
    Topic.objects.filter(merged_into=topic).update(merged_into=into)
    into.endorsement_count = Endorsement.objects.filter(topic=into).count()
    into.comment_count = Comment.objects.filter(
        topic=into, hidden_at__isnull=True
    ).count()
    into.save(update_fields=["endorsement_count", "comment_count", "updated_at"])
    topic.status = TopicStatus.MERGED
    topic.merged_into = into
    topic.endorsement_count = 0
    topic.comment_count = 0
    topic.save(
        update_fields=[
            "status",
            "merged_into",
            "endorsement_count",
            "comment_count",
            "updated_at",
        ]
    )
    _event(
        topic,
        TopicEventKind.MERGED,
        actor=by,
        into_id=into.pk,
        into_title=into.title,
        link=into.get_absolute_url(),
    )
    _event(
        into,
        TopicEventKind.MERGED_IN,
        actor=by,
        from_id=topic.pk,
        from_title=topic.title,
        link=topic.get_absolute_url(),
        endorsements_moved=moved,
        endorsements_already_here=duplicates,
        comments_moved=moved_comments,
    )
    _tell_submitter(topic, "topics_merged", "merged", into=into)
    return topic


@transaction.atomic
def topic_record_vote(
    *, topic: Topic, by=None, result: str, meeting: str = "", link: str = ""
) -> TopicEvent:
    """Note in the topic's history how the council voted on it."""
    topic = _lock(topic)
    return _event(
        topic,
        TopicEventKind.VOTED,
        actor=by,
        note=(result or "").strip(),
        meeting=meeting,
        link=link,
    )


@transaction.atomic
def topic_mark_decided(
    *, topic: Topic, by=None, outcome: str, meeting: str = "", link: str = ""
) -> Topic:
    """The council decided on the topic: keep the outcome in its history, tell the submitter."""
    topic = _lock(topic)
    if topic.status in (TopicStatus.WITHDRAWN, TopicStatus.MERGED):
        raise ValidationError(
            _("This topic is %(status)s.") % {"status": topic.get_status_display()}
        )
    outcome = (outcome or "").strip()
    topic.status = TopicStatus.DECIDED
    topic.save(update_fields=["status", "updated_at"])
    _event(
        topic,
        TopicEventKind.DECIDED,
        actor=by,
        note=outcome,
        meeting=meeting,
        link=link,
    )
    _tell_submitter(
        topic, "topics_decided", "decided", outcome=outcome, meeting=meeting
    )
    return topic


# -- deliberation --------------------------------------------------------------


def _require_open(topic: Topic) -> None:
    if not topic.accepts_deliberation:
        raise ValidationError(
            _("This topic is %(status)s and no longer takes support or comments.")
            % {"status": topic.get_status_display()}
        )


@transaction.atomic
def endorsement_create(*, topic: Topic, resident: Resident) -> tuple[Endorsement, bool]:
    """Endorse (点赞) a topic once; a second call returns the existing endorsement.

    The topic row is locked, so the status check and the counter stay consistent;
    the unique constraint (topic, resident) is the last word if two requests race.
    """
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if resident.community_id != topic.community_id:
        raise ValidationError(_("Only residents of this community can support it."))
    if resident.pk == topic.submitter_id:
        raise ValidationError(
            _("You raised this topic, so you already count as one of its supporters."),
            code="own_topic",
        )
    _require_open(topic)
    existing = Endorsement.objects.filter(topic=topic, resident=resident).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(topic=topic, resident=resident)
    except IntegrityError:
        return Endorsement.objects.get(topic=topic, resident=resident), False
    Topic.objects.filter(pk=topic.pk).update(
        endorsement_count=F("endorsement_count") + 1
    )
    return endorsement, True


@transaction.atomic
def endorsement_withdraw(*, topic: Topic, resident: Resident) -> bool:
    """Take back an endorsement; returns False when there was none.

    The person who raised the topic stays one of its supporters.
    """
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if resident.pk == topic.submitter_id:
        raise ValidationError(
            _("You raised this topic, so you stay one of its supporters."),
            code="own_topic",
        )
    deleted, _detail = Endorsement.objects.filter(
        topic=topic, resident=resident
    ).delete()
    if not deleted:
        return False
    Topic.objects.filter(pk=topic.pk, endorsement_count__gt=0).update(
        endorsement_count=F("endorsement_count") - 1
    )
    return True


@transaction.atomic
def comment_create(
    *, topic: Topic, author, body: str, kind: str = "", parent: Comment | None = None
) -> Comment:
    """Add a comment or a reply; a reply to a reply joins the first comment's thread."""
    body = _require_text(body, "body", _("Write your comment first."))
    if len(body) > 2000:
        raise ValidationError({"body": _("A comment can be at most 2000 characters.")})
    if kind not in CommentKind.values:
        raise ValidationError({"kind": _("Choose support, concern or suggestion.")})
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    _require_open(topic)
    if parent is not None:
        if parent.topic_id != topic.pk:
            raise ValidationError(_("That comment belongs to another topic."))
        if parent.parent_id is not None:
            parent = parent.parent
    author_resident = Resident.objects.filter(
        community_id=topic.community_id, user=author
    ).first()
    comment = Comment.objects.create(
        topic=topic,
        parent=parent,
        author=author,
        author_resident=author_resident,
        kind=kind,
        body=body,
    )
    Topic.objects.filter(pk=topic.pk).update(comment_count=F("comment_count") + 1)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, by, reason: str) -> Comment:
    """Hide a comment; its place shows the reason. Nothing is deleted."""
    reason = _require_text(
        reason, "reason", _("Say why the comment is hidden; residents will see it.")
    )
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.hidden_at is not None:
        return comment
    comment.hidden_at = timezone.now()
    comment.hidden_by = by
    comment.hidden_reason = reason[:300]
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    Topic.objects.filter(pk=comment.topic_id, comment_count__gt=0).update(
        comment_count=F("comment_count") - 1
    )
    CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=comment.hidden_at, resolved_by=by
    )
    return comment


@transaction.atomic
def comment_report(*, comment: Comment, by, reason: str = "") -> CommentReport:
    """Flag a comment for staff; reporting twice keeps one report."""
    report, _created = CommentReport.objects.get_or_create(
        comment=comment, reporter=by, defaults={"reason": (reason or "").strip()[:300]}
    )
    return report


@transaction.atomic
def comment_report_resolve(*, report: CommentReport, by) -> CommentReport:
    """Staff looked at a report and left the comment as it is."""
    report = CommentReport.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = by
        report.save(update_fields=["resolved_at", "resolved_by"])
    return report


@transaction.atomic
def deadline_reminder_set(*, resident: Resident, enabled: bool) -> bool:
    """Turn a resident's topic deadline reminder on or off; returns the new state."""
    if enabled:
        DeadlineReminderOptIn.objects.get_or_create(resident=resident)
    else:
        DeadlineReminderOptIn.objects.filter(resident=resident).delete()
    return enabled


# -- pre-meeting consultation --------------------------------------------------


@transaction.atomic
def preconsultation_record(
    *,
    topic: Topic,
    by,
    consulted_at,
    position: str,
    notes: str = "",
    proposed_direction: str = "",
    resident: Resident | None = None,
    organization: Organization | None = None,
    outside_name: str = "",
    outside_phone: str = "",
) -> PreConsultation:
    """Log one consultation with a stakeholder about a topic on the agenda."""
    topic = Topic.objects.get(pk=topic.pk)
    if topic.status != TopicStatus.ACCEPTED:
        raise ValidationError(
            _("Consultations are recorded for topics accepted onto an agenda.")
        )
    if position not in ConsultationPosition.values:
        raise ValidationError({"position": _("Choose their position.")})
    for party in (resident, organization):
        if party is not None and party.community_id != topic.community_id:
            raise ValidationError(_("Choose someone from this community."))
    consultation = PreConsultation(
        topic=topic,
        logged_by=by,
        consulted_at=consulted_at,
        position=position,
        notes=(notes or "").strip(),
        proposed_direction=(proposed_direction or "").strip(),
        stakeholder_resident=resident,
        stakeholder_organization=organization,
        outside_name=(outside_name or "").strip(),
        outside_phone=(outside_phone or "").strip(),
    )
    consultation.full_clean()
    consultation.save()
    return consultation
