"""Topics (议题) and the collection windows they are submitted into.

A topic never points at a meeting: it belongs to a CollectionWindow, which the
council creates or moves when it schedules a meeting.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.models import Community, Resident


class CollectionWindowQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(
            opens_at__lte=moment, closes_at__gt=moment, closed_at__isnull=True
        )


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
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status"], name="topic_comm_status_idx"),
            models.Index(
                fields=["community", "-created_at"], name="topic_comm_created_idx"
            ),
        ]

    def __str__(self):
        return self.title
