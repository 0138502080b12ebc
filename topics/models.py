"""Topics (议题) and the collection windows they are submitted into.

A topic never points at a meeting: it belongs to a CollectionWindow, which the
council creates or moves when it schedules a meeting.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections, models
from django.db.models import Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.display import format_when
from residents.models import Community, Resident
from residents.stakeholders import (
    Stakeholder,
    exactly_one_stakeholder,
    stakeholder_organization_field,
    stakeholder_resident_field,
)

from .search import query_pairs, search_terms, tsquery


class CollectionWindowQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(
            opens_at__lte=moment, closes_at__gt=moment, closed_at__isnull=True
        )

    def accepting_at(self, moment):
        """Windows a topic submitted at `moment` may go into: open now or upcoming."""
        return self.filter(closes_at__gt=moment, closed_at__isnull=True).order_by(
            "closes_at", "pk"
        )

    def due_to_close(self, moment):
        return self.filter(closes_at__lte=moment, closed_at__isnull=True)


class CollectionWindow(models.Model):
    """A period during which residents submit topics for one meeting (议题征集期)."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="collection_windows",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("collection opens"))
    closes_at = models.DateTimeField(_("collection closes"))
    closed_at = models.DateTimeField(
        _("closed"), null=True, blank=True, help_text=_("When collection was closed.")
    )
    reminder_sent_at = models.DateTimeField(
        _("deadline reminder sent"), null=True, blank=True
    )
    meeting_starts_at = models.DateTimeField(
        _("meeting starts"),
        null=True,
        blank=True,
        help_text=_("Submitters can withdraw their topics until then."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CollectionWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic collection period")
        verbose_name_plural = _("topic collection periods")
        ordering = ["closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="collection_window_closes_after_opening",
            )
        ]
        indexes = [
            models.Index(
                fields=["community", "closes_at"], name="window_comm_closes_idx"
            )
        ]

    def __str__(self):
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is None and self.opens_at <= now < self.closes_at

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def deadline_passed(self) -> bool:
        """Closed, or past its deadline while the close task has yet to run."""
        return self.deadline_passed_at(timezone.now())

    def deadline_passed_at(self, now) -> bool:
        return self.closed_at is not None or self.closes_at <= now


class TopicCategory(models.TextChoices):
    ELDERLY_CARE = "elderly_care", _("elderly care")
    FACILITIES = "facilities", _("public facilities and repairs")
    NEIGHBOURS = "neighbours", _("neighbour relations")
    CHILDREN = "children", _("children and education")
    ENVIRONMENT = "environment", _("environment and hygiene")
    SAFETY = "safety", _("safety")
    OTHER = "other", _("other")


class TopicStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    IN_TRIAGE = "in_triage", _("under review")
    ACCEPTED = "accepted", _("on the agenda")
    MERGED = "merged", _("merged")
    DECLINED = "declined", _("declined")
    DEFERRED = "deferred", _("deferred")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DECIDED = "decided", _("decided")


# A topic in one of these statuses waits for (or sits in) a collection window.
WAITING_STATUSES = (TopicStatus.SUBMITTED, TopicStatus.DEFERRED)
WITHDRAWABLE_STATUSES = (
    TopicStatus.SUBMITTED,
    TopicStatus.IN_TRIAGE,
    TopicStatus.DEFERRED,
    TopicStatus.ACCEPTED,
)
OPEN_STATUSES = WITHDRAWABLE_STATUSES


class TopicQuerySet(models.QuerySet):
    def for_community(self, community):
        return self.filter(community=community)

    def bulk_create(self, objs, *args, **kwargs):
        """Fill each topic's search words, as save() does (bulk_create skips save)."""
        objs = list(objs)
        for topic in objs:
            topic.fill_search_terms()
        return super().bulk_create(objs, *args, **kwargs)

    def search(self, query: str):
        """Topics whose title or description contains `query` (see topics.search)."""
        query = (query or "").strip()
        if not query:
            return self
        topics = self
        pairs = query_pairs(query)
        if pairs and connections[self.db].vendor == "postgresql":
            # Narrowed by the GIN index (migration 0007), then the exact test.
            topics = topics.alias(
                search_vector=SearchVector("search_terms", config=Value("simple"))
            ).filter(
                search_vector=SearchQuery(
                    tsquery(pairs), config=Value("simple"), search_type="raw"
                )
            )
        return topics.filter(
            models.Q(title__icontains=query) | models.Q(description__icontains=query)
        )


class Topic(models.Model):
    """What a resident brings to the council."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="topics",
        verbose_name=_("community"),
    )
    window = models.ForeignKey(
        CollectionWindow,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("topic collection period"),
        help_text=_("Empty while the topic waits for the next collection period."),
    )
    submitter = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="topics",
        verbose_name=_("submitted by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics_recorded",
        verbose_name=_("recorded by"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=TopicCategory.choices,
        default=TopicCategory.OTHER,
    )
    location = models.CharField(
        _("location in the community"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TopicStatus.choices,
        default=TopicStatus.SUBMITTED,
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_topics",
        verbose_name=_("merged into"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    endorsement_count = models.PositiveIntegerField(_("endorsements"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    # Pairs of Chinese characters of the title and description (topics.search).
    search_terms = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status"], name="topic_comm_status_idx"),
            models.Index(
                fields=["community", "-created_at"], name="topic_comm_created_idx"
            ),
            models.Index(
                fields=["community", "-endorsement_count", "-created_at"],
                name="topic_comm_endorsed_idx",
            ),
            models.Index(fields=["window", "status"], name="topic_window_status_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_search_terms()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "description"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_terms"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "topics:topic_detail",
            kwargs={"community": self.community.slug, "pk": self.pk},
        )

    def edit_refusal(self, now=None) -> str:
        """Why the topic can no longer be edited, or "" while it can.

        Until review starts and its collection closes, by the clock: the close
        task running a little late changes nothing.
        """
        if self.status != TopicStatus.SUBMITTED:
            return gettext(
                "Review of this topic has started, so it can no longer be edited."
            )
        window = self.window if self.window_id else None
        if window is not None and window.deadline_passed_at(now or timezone.now()):
            return gettext(
                "Topic collection closed at %(time)s, so the topic can no longer "
                "be edited."
            ) % {"time": format_when(window.closed_at or window.closes_at)}
        return ""

    def fill_search_terms(self) -> None:
        self.search_terms = search_terms(self.title, self.description)

    @property
    def is_editable(self) -> bool:
        return not self.edit_refusal()

    def withdrawable_at(self, now) -> bool:
        """Any time before the meeting (when its start is known) and the decision."""
        if self.status not in WITHDRAWABLE_STATUSES:
            return False
        window = self.window if self.window_id else None
        starts = window.meeting_starts_at if window is not None else None
        return starts is None or now < starts

    @property
    def is_withdrawable(self) -> bool:
        return self.withdrawable_at(timezone.now())

    @property
    def accepts_deliberation(self) -> bool:
        """Endorsements and new comments are welcome while the topic is alive."""
        return self.status in OPEN_STATUSES

    @property
    def is_waiting(self) -> bool:
        return self.window_id is None and self.status in WAITING_STATUSES


def topic_photo_path(instance, filename):
    return f"topics/{instance.topic.community_id}/{instance.topic_id}/{filename}"


class TopicPhoto(models.Model):
    """A photo attached to a topic, re-encoded as JPEG on upload (no EXIF kept)."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="photos", verbose_name=_("topic")
    )
    image = models.ImageField(
        _("photo"),
        upload_to=topic_photo_path,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["topic", "position", "pk"]

    def __str__(self):
        return f"{self.topic} · {self.position + 1}"

    def get_absolute_url(self):
        return reverse(
            "topics:photo",
            kwargs={"community": self.topic.community.slug, "pk": self.pk},
        )


class TopicEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    RECORDED = "recorded", _("recorded on behalf of a resident")
    EDITED = "edited", _("edited")
    WINDOW_ATTACHED = "window_attached", _("added to a collection period")
    REVIEW_STARTED = "review_started", _("review started")
    ACCEPTED = "accepted", _("accepted onto the agenda")
    MERGED = "merged", _("merged into another topic")
    MERGED_IN = "merged_in", _("another topic merged into this one")
    DECLINED = "declined", _("declined")
    DEFERRED = "deferred", _("deferred to the next meeting")
    MEETING_CANCELLED = "meeting_cancelled", _("its meeting was cancelled")
    WITHDRAWN = "withdrawn", _("withdrawn")
    VOTED = "voted", _("voted on")
    DECIDED = "decided", _("decided")
    NOTE = "note", _("note")


class TopicEvent(models.Model):
    """One step in a topic's history; the council writes here through topics services.

    `payload` carries what the topic page needs to tell the story without reading
    council tables: e.g. {"meeting": "...", "link": "/c/.../council/meetings/3/"}.
    """

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="events", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TopicEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("topic history entry")
        verbose_name_plural = _("topic history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["topic", "created_at"], name="event_topic_idx")]

    def __str__(self):
        return f"{self.topic} · {self.get_kind_display()}"


class Endorsement(models.Model):
    """A resident's support (点赞) for a topic; at most one per resident per topic."""

    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("topic"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("resident"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "resident"], name="endorsement_once_per_resident"
            )
        ]

    def __str__(self):
        return f"{self.resident} → {self.topic}"


class CommentKind(models.TextChoices):
    GENERAL = "", _("comment")
    SUPPORT = "support", _("support")
    CONCERN = "concern", _("concern")
    SUGGESTION = "suggestion", _("suggestion")


class Comment(models.Model):
    """An opinion on a topic; replies go one level deep. Hidden, never deleted."""

    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("topic"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="topic_comments",
        verbose_name=_("written by"),
    )
    author_resident = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topic_comments",
        verbose_name=_("resident"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=CommentKind.choices, blank=True, default=""
    )
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["topic", "created_at"], name="comment_topic_idx")
        ]

    def __str__(self):
        return self.body[:50]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_name(self) -> str:
        if self.author_resident_id:
            return self.author_resident.name
        return str(self.author) if self.author_id else ""


class CommentReport(models.Model):
    """A resident flags a comment for staff to look at."""

    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("comment"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("what is wrong"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("dealt with"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dealt with by"),
    )

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="comment_report_once_per_user"
            )
        ]

    def __str__(self):
        return f"{self.comment} ({self.reporter})"


class DeadlineReminderOptIn(models.Model):
    """A resident asked to be reminded two days before topic collection closes."""

    resident = models.OneToOneField(
        Resident,
        on_delete=models.CASCADE,
        related_name="topic_reminder_opt_in",
        verbose_name=_("resident"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic deadline reminder")
        verbose_name_plural = _("topic deadline reminders")

    def __str__(self):
        return str(self.resident)


class ConsultationPosition(models.TextChoices):
    SUPPORTS = "supports", _("supports")
    CONCERNS = "concerns", _("has concerns")
    OPPOSES = "opposes", _("opposes")


class PreConsultation(Stakeholder):
    """A social worker's note of consulting one stakeholder on an accepted topic."""

    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("topic"),
    )
    # The columns keep the names they were created with.
    resident = stakeholder_resident_field(db_column="stakeholder_resident_id")
    organization = stakeholder_organization_field(
        db_column="stakeholder_organization_id"
    )
    consulted_at = models.DateTimeField(_("when"))
    position = models.CharField(
        _("their position"), max_length=20, choices=ConsultationPosition.choices
    )
    notes = models.TextField(_("notes"), blank=True)
    proposed_direction = models.TextField(_("proposed direction"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pre-meeting consultation")
        verbose_name_plural = _("pre-meeting consultations")
        ordering = ["topic", "consulted_at", "pk"]
        constraints = [
            exactly_one_stakeholder(name="consultation_exactly_one_stakeholder")
        ]

    def __str__(self):
        return f"{self.topic} · {self.stakeholder_name}"
