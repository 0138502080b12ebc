"""Deliberation on a topic: endorsements (点赞), comments and their moderation."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from residents.models import Resident
from residents.selectors import resident_for_user

from ..models import (
    Comment,
    CommentKind,
    CommentReport,
    DeadlineReminderOptIn,
    Endorsement,
    Topic,
)
from ..selectors import COMMENT_PAGES, COMMUNITY_TOPICS
from .common import require_text


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
    COMMUNITY_TOPICS.changed(str(topic.community_id))
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
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return True


@transaction.atomic
def comment_create(
    *, topic: Topic, author, body: str, kind: str = "", parent: Comment | None = None
) -> Comment:
    """Add a comment or a reply; a reply to a reply joins the first comment's thread."""
    body = require_text(body, "body", _("Write your comment first."))
    if len(body) > 2000:
        raise ValidationError({"body": _("A comment can be at most 2000 characters.")})
    if kind not in CommentKind.values:
        raise ValidationError({"kind": _("Choose support, concern or suggestion.")})
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=topic.pk)
    )
    _require_open(topic)
    if parent is not None:
        if parent.topic_id != topic.pk:
            raise ValidationError(_("That comment belongs to another topic."))
        if parent.parent_id is not None:
            parent = parent.parent
    author_resident = resident_for_user(user=author, community=topic.community)
    comment = Comment.objects.create(
        topic=topic,
        parent=parent,
        author=author,
        author_resident=author_resident,
        kind=kind,
        body=body,
    )
    Topic.objects.filter(pk=topic.pk).update(comment_count=F("comment_count") + 1)
    COMMENT_PAGES.changed(str(topic.pk))
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, by, reason: str) -> Comment:
    """Hide a comment; its place shows the reason. Nothing is deleted."""
    reason = require_text(
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
    COMMENT_PAGES.changed(str(comment.topic_id))
    COMMUNITY_TOPICS.changed(str(comment.topic.community_id))
    return comment


@transaction.atomic
def comment_report(*, comment: Comment, by, reason: str = "") -> CommentReport:
    """Flag a comment for staff; reporting twice keeps one report."""
    report, _created = CommentReport.objects.get_or_create(
        comment=comment, reporter=by, defaults={"reason": (reason or "").strip()[:300]}
    )
    COMMENT_PAGES.changed(str(comment.topic_id))  # staff see the open reports
    return report


@transaction.atomic
def comment_report_resolve(*, report: CommentReport, by) -> CommentReport:
    """Staff looked at a report and left the comment as it is."""
    report = CommentReport.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = by
        report.save(update_fields=["resolved_at", "resolved_by"])
        COMMENT_PAGES.changed(str(report.comment.topic_id))
    return report


@transaction.atomic
def deadline_reminder_set(*, resident: Resident, enabled: bool) -> bool:
    """Turn a resident's topic deadline reminder on or off; returns the new state."""
    if enabled:
        DeadlineReminderOptIn.objects.get_or_create(resident=resident)
    else:
        DeadlineReminderOptIn.objects.filter(resident=resident).delete()
    return enabled
