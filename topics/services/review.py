"""A topic's way through review and the meeting: the states the council moves it to.

The council never writes topic rows itself: its services call these, each of
which appends a TopicEvent to the topic's own history and tells the submitter.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    CollectionWindow,
    Comment,
    Endorsement,
    Topic,
    TopicEvent,
    TopicEventKind,
    TopicStatus,
)
from ..selectors import COMMENT_PAGES, COMMUNITY_TOPICS
from .common import TRIAGE_STATUSES, lock, record_event, require_text, tell_submitter


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
    topic = lock(topic)
    _require_triage(topic)
    topic.status = TopicStatus.ACCEPTED
    topic.save(update_fields=["status", "updated_at"])
    record_event(
        topic,
        TopicEventKind.ACCEPTED,
        actor=by,
        note=(note or "").strip(),
        meeting=meeting,
        link=link,
    )
    tell_submitter(
        topic, "topics_accepted", "accepted", meeting=meeting, note=(note or "").strip()
    )
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return topic


@transaction.atomic
def topic_decline(*, topic: Topic, by, reason: str) -> Topic:
    """Decline a topic; the reason is shown to the submitter and on the topic page."""
    reason = require_text(
        reason, "reason", _("Say why, so the resident understands the decision.")
    )
    topic = lock(topic)
    _require_triage(topic)
    topic.status = TopicStatus.DECLINED
    topic.decline_reason = reason
    topic.save(update_fields=["status", "decline_reason", "updated_at"])
    record_event(topic, TopicEventKind.DECLINED, actor=by, note=reason)
    tell_submitter(topic, "topics_declined", "declined", reason=reason)
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return topic


@transaction.atomic
def topic_defer(*, topic: Topic, by, note: str = "", now=None) -> Topic:
    """Move a topic to the next meeting's collection window (or let it wait for one)."""
    now = now or timezone.now()
    topic = lock(topic)
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
    event = record_event(
        topic,
        TopicEventKind.DEFERRED,
        actor=by,
        note=(note or "").strip(),
        window=window_title,
    )
    tell_submitter(topic, "topics_deferred", f"deferred:{event.pk}", window=next_window)
    COMMUNITY_TOPICS.changed(str(topic.community_id))
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
    COMMENT_PAGES.changed(str(topic.pk))
    COMMENT_PAGES.changed(str(into.pk))
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
    record_event(
        topic,
        TopicEventKind.MERGED,
        actor=by,
        into_id=into.pk,
        into_title=into.title,
        link=into.get_absolute_url(),
    )
    record_event(
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
    tell_submitter(topic, "topics_merged", "merged", into=into)
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return topic


@transaction.atomic
def topic_record_vote(
    *, topic: Topic, by=None, result: str, meeting: str = "", link: str = ""
) -> TopicEvent:
    """Note in the topic's history how the council voted on it."""
    topic = lock(topic)
    COMMUNITY_TOPICS.changed(str(topic.community_id))  # the topic page's history
    return record_event(
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
    topic = lock(topic)
    if topic.status in (TopicStatus.WITHDRAWN, TopicStatus.MERGED):
        raise ValidationError(
            _("This topic is %(status)s.") % {"status": topic.get_status_display()}
        )
    outcome = (outcome or "").strip()
    topic.status = TopicStatus.DECIDED
    topic.save(update_fields=["status", "updated_at"])
    record_event(
        topic,
        TopicEventKind.DECIDED,
        actor=by,
        note=outcome,
        meeting=meeting,
        link=link,
    )
    tell_submitter(topic, "topics_decided", "decided", outcome=outcome, meeting=meeting)
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return topic
