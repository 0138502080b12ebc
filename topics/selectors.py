"""Read queries for topic pages, the council's triage page and consultation summaries."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core.display import time_left_changes_at
from core.fragments import SharedFragments
from core.prepared import PreparedQuery
from residents.models import Community, Resident

from .models import (
    CollectionWindow,
    Comment,
    CommentReport,
    ConsultationPosition,
    DeadlineReminderOptIn,
    Endorsement,
    PreConsultation,
    Topic,
    TopicStatus,
)

SORTS = {
    "new": ("-created_at", "-pk"),
    "endorsed": ("-endorsement_count", "-created_at", "-pk"),
}


def topic_list(
    *,
    community: Community,
    status: str = "",
    category: str = "",
    window_id: int | None = None,
    query: str = "",
    sort: str = "new",
    submitter: Resident | None = None,
) -> QuerySet:
    """Topics for the list page; cards read stored counters (no COUNT per card)."""
    topics = (
        Topic.objects.filter(community=community)
        .select_related("submitter", "window")
        .only(
            "pk",
            "community_id",
            "title",
            "category",
            "status",
            "location",
            "created_at",
            "endorsement_count",
            "comment_count",
            "recorded_by_id",
            "submitter__name",
            "window__title",
            "window__closes_at",
            "window__closed_at",
        )
        .search(query)
    )
    if status == "waiting":
        topics = topics.filter(
            window__isnull=True,
            status__in=[TopicStatus.SUBMITTED, TopicStatus.DEFERRED],
        )
    elif status in TopicStatus.values:
        topics = topics.filter(status=status)
    if category:
        topics = topics.filter(category=category)
    if window_id:
        topics = topics.filter(window_id=window_id)
    if submitter is not None:
        topics = topics.filter(submitter=submitter)
    return topics.order_by(*SORTS.get(sort, SORTS["new"]))


def windows_for_filter(*, community: Community) -> list[CollectionWindow]:
    """The community's collection windows, newest first, for the meeting filter."""
    return list(
        CollectionWindow.objects.filter(community=community)
        .only("pk", "title", "closes_at")
        .order_by("-closes_at", "-pk")[:50]
    )


def window_accepting(*, community: Community, now=None) -> CollectionWindow | None:
    """The window a topic submitted now goes into (open now, or the next one)."""
    now = now or timezone.now()
    return (
        CollectionWindow.objects.filter(community=community).accepting_at(now).first()
    )


def window_shown_until(window: CollectionWindow | None, now) -> datetime | None:
    """When what a page says of `window` (open, time left, accepting) next changes."""
    if window is None:
        return None
    moments = [
        window.closes_at,
        time_left_changes_at(window.closes_at, now),
        window.opens_at if window.opens_at > now else None,
    ]
    return min(moment for moment in moments if moment is not None)


# The community's topic pages (the home page's topics section, the list) are the
# same for everyone who sees the community alike (residents.predicates.viewer_key)
# in one language, so they are kept rendered per community until a topics service
# changes a topic or a collection period of it: every one says so with
# COMMUNITY_TOPICS.changed(community id). What no service announces (a
# submitter's new name) shows within the timeout.
COMMUNITY_TOPICS = SharedFragments("community-topics", timeout=10 * 60)


def _topic_with_people(community_id: int, pk: int, resident_id: int):
    return (
        Topic.objects.filter(community_id=community_id, pk=pk)
        .select_related("submitter", "recorded_by", "window", "merged_into")
        .annotate(
            reader_endorsed=Exists(
                Endorsement.objects.filter(
                    topic=OuterRef("pk"), resident_id=resident_id
                )
            )
        )
        .order_by()
    )


# Every view of one topic reads it so: its SQL is built once.
_topic_query = PreparedQuery(
    _topic_with_people, samples=(-2_147_483_011, -2_147_483_012, -2_147_483_013)
)


def topic_detail(
    *, community: Community, pk: int, reader: Resident | None = None
) -> Topic:
    """One topic, with whether `reader` supports it (has_endorsed then asks no
    query); raises Topic.DoesNotExist. Its photos and history are read by the
    page that shows them (kept: topics.views._topic_page)."""
    found = _topic_query(community.pk, int(pk), reader.pk if reader else 0)
    if not found:
        raise Topic.DoesNotExist
    topic = found[0]
    topic.community = community  # the page has it already: no join for it
    topic._endorsed_by = (reader.pk, topic.reader_endorsed) if reader else None
    return topic


def topic_page_changes_at(topic: Topic, now) -> datetime | None:
    """When the topic page's buttons next change by the clock alone: editing ends
    when its collection closes, withdrawing when its meeting starts."""
    window = topic.window if topic.window_id else None
    if window is None:
        return None
    moments = [
        moment
        for moment in (window.closes_at, window.meeting_starts_at)
        if moment is not None and moment > now
    ]
    return min(moments, default=None)


COMMENTS_PAGE_SIZE = 20
# A page of comments is the same for everyone who reads it in the same language
# with the same permissions, so the topic page keeps it rendered, per topic, until
# a service changes that topic's comments (deliberation, review: a merge) and says
# so with COMMENT_PAGES.changed(topic id). What no service announces (an author's
# new name) shows within the timeout.
COMMENT_PAGES = SharedFragments("topic-comments", timeout=10 * 60)


def topic_comments(
    *,
    topic: Topic,
    with_reports: bool = False,
    start: int = 0,
    limit: int = COMMENTS_PAGE_SIZE,
) -> dict:
    """A page of top-level comments with their replies (one level), oldest first.

    `limit` comments from the `start`-th; next_start is None on the last page,
    previous_start None on the first.
    """
    start = max(start, 0)
    replies = Comment.objects.select_related("author", "author_resident").order_by(
        "created_at", "pk"
    )
    comments = (
        Comment.objects.filter(topic=topic, parent__isnull=True)
        .select_related("author", "author_resident")
        .order_by("created_at", "pk")
    )
    if with_reports:
        open_reports = Count("reports", filter=Q(reports__resolved_at__isnull=True))
        comments = comments.annotate(open_reports=open_reports)
        replies = replies.annotate(open_reports=open_reports)
    page = list(
        comments.prefetch_related(Prefetch("replies", queryset=replies))[
            start : start + limit + 1
        ]
    )
    return {
        "comments": page[:limit],
        "start": start,
        "next_start": start + limit if len(page) > limit else None,
        "previous_start": max(start - limit, 0) if start else None,
    }


def comments_start_for(
    *, topic: Topic, parent: Comment | None, limit: int = COMMENTS_PAGE_SIZE
) -> int:
    """Where the page showing a new comment starts: its parent's page, else the last."""
    before = Comment.objects.filter(topic=topic, parent__isnull=True)
    if parent is not None:
        before = before.filter(
            Q(created_at__lt=parent.created_at)
            | Q(created_at=parent.created_at, pk__lt=parent.pk)
        )
        return before.count() // limit * limit
    return max(before.count() - 1, 0) // limit * limit


def may_act_for_topic(*, topic: Topic, user) -> bool:
    """The submitter, or staff and social workers acting for them (topics.rules)."""
    return user is not None and user.has_perm("topics.act_for_topic", topic)


def has_endorsed(*, topic: Topic, resident: Resident | None) -> bool:
    if resident is None:
        return False
    read = getattr(topic, "_endorsed_by", None)
    if read is not None and read[0] == resident.pk:
        return read[1]
    return Endorsement.objects.filter(topic=topic, resident=resident).exists()


def endorsed_topic_ids(*, resident: Resident | None, topic_ids) -> set[int]:
    """Which of these topics the resident endorsed (one query for a whole page)."""
    if resident is None:
        return set()
    return set(
        Endorsement.objects.filter(
            resident=resident, topic_id__in=list(topic_ids)
        ).values_list("topic_id", flat=True)
    )


def has_reminder(*, resident: Resident | None) -> bool:
    if resident is None:
        return False
    try:
        return resident.topic_reminder_opt_in is not None
    except DeadlineReminderOptIn.DoesNotExist:
        return False


def open_comment_reports(*, community: Community) -> QuerySet:
    """Reports staff have not dealt with yet, oldest first."""
    return (
        CommentReport.objects.filter(
            comment__topic__community=community, resolved_at__isnull=True
        )
        .select_related(
            "reporter",
            "comment",
            "comment__topic__community",
            "comment__author",
            "comment__author_resident",
        )
        .order_by("created_at", "pk")
    )


def topics_for_triage(*, community: Community, window: CollectionWindow | None) -> dict:
    """Topics of a meeting's window grouped for review, plus merge targets.

    Returns {"to_review": [...], "accepted": [...], "done": [...], "targets": [...]}.
    """
    if window is None:
        return {"to_review": [], "accepted": [], "done": [], "targets": []}
    topics = list(
        Topic.objects.filter(community=community, window=window)
        .select_related(
            "community", "submitter", "recorded_by", "merged_into", "window"
        )
        .annotate(photo_count=Count("photos"))
        .order_by("-endorsement_count", "created_at", "pk")
    )
    to_review = [
        t
        for t in topics
        if t.status
        in (TopicStatus.SUBMITTED, TopicStatus.IN_TRIAGE, TopicStatus.DEFERRED)
    ]
    accepted = [t for t in topics if t.status == TopicStatus.ACCEPTED]
    done = [t for t in topics if t not in to_review and t not in accepted]
    targets = [t for t in topics if t.accepts_deliberation]
    return {
        "to_review": to_review,
        "accepted": accepted,
        "done": done,
        "targets": targets,
    }


def review_counts(*, window_ids) -> dict[int, dict]:
    """Per window: topics to review, accepted, and all (one query)."""
    rows = (
        Topic.objects.filter(window_id__in=list(window_ids))
        .values("window_id")
        .annotate(
            to_review=Count(
                "pk",
                filter=Q(
                    status__in=[
                        TopicStatus.SUBMITTED,
                        TopicStatus.IN_TRIAGE,
                        TopicStatus.DEFERRED,
                    ]
                ),
            ),
            accepted=Count("pk", filter=Q(status=TopicStatus.ACCEPTED)),
            total=Count("pk"),
        )
        .order_by()
    )
    return {row["window_id"]: row for row in rows}


def consultation_summary(*, topic_id: int) -> dict:
    """Consultations on one topic with counts per position (two queries)."""
    consultations = list(
        PreConsultation.objects.filter(topic_id=topic_id)
        .select_related("resident", "organization", "logged_by")
        .order_by("consulted_at", "pk")
    )
    counts = {position: 0 for position in ConsultationPosition.values}
    for consultation in consultations:
        counts[consultation.position] += 1
    return {
        "consultations": consultations,
        "counts": [
            (ConsultationPosition(value).label, value, counts[value])
            for value in ConsultationPosition.values
        ],
        "total": len(consultations),
    }


def consultation_summaries(*, topic_ids) -> dict[int, dict]:
    """consultation_summary for many topics at once (one query), keyed by topic id."""
    result = {
        topic_id: {"consultations": [], "counts": [], "total": 0}
        for topic_id in topic_ids
    }
    rows = (
        PreConsultation.objects.filter(topic_id__in=list(topic_ids))
        .select_related("resident", "organization", "logged_by")
        .order_by("consulted_at", "pk")
    )
    tallies = {
        topic_id: {position: 0 for position in ConsultationPosition.values}
        for topic_id in result
    }
    for row in rows:
        result[row.topic_id]["consultations"].append(row)
        tallies[row.topic_id][row.position] += 1
    for topic_id, summary in result.items():
        summary["total"] = len(summary["consultations"])
        summary["counts"] = [
            (ConsultationPosition(value).label, value, tallies[topic_id][value])
            for value in ConsultationPosition.values
        ]
    return result
