"""What reports keep: page opens, calendar feed tokens, exports and daily snapshots."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from council.models import Meeting
from residents.models import Community, Resident

# An export's file is kept this long, then deleted by the beat task (the row stays:
# it is the record of who took which data, and when).
EXPORT_KEEP_FOR = timedelta(days=1)


class OpenedPage(models.TextChoices):
    AGENDA = "agenda", _("published agenda")
    MINUTES = "minutes", _("minutes")
    OUTCOME = "outcome", _("outcome")


class PageOpen(models.Model):
    """A resident opened a published agenda, minutes or an outcome (知晓率).

    One row per resident and page, written the first time only (an insert that
    ignores the conflict), so a page that is opened often costs one cheap write.
    """

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="+", verbose_name=_("resident")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="+", verbose_name=_("meeting")
    )
    page = models.CharField(_("page"), max_length=20, choices=OpenedPage.choices)
    object_id = models.PositiveBigIntegerField(
        _("which one"), help_text=_("The meeting, or the outcome, that was opened.")
    )
    opened_at = models.DateTimeField(_("first opened"), default=timezone.now)

    class Meta:
        verbose_name = _("page opened")
        verbose_name_plural = _("pages opened")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "page", "object_id"], name="page_open_once"
            )
        ]
        indexes = [
            models.Index(fields=["community", "opened_at"], name="page_open_comm_idx"),
            models.Index(fields=["meeting"], name="page_open_meeting_idx"),
        ]

    def __str__(self):
        return f"{self.resident_id} · {self.page} {self.object_id}"


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret address of a community's calendar (.ics), to subscribe to.

    The token in the address is the only key (a phone's calendar sends no login);
    resetting it makes the old address stop working.
    """

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("user"),
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    reset_at = models.DateTimeField(_("address last changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="calendar_feed_once_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.community}"

    def get_absolute_url(self):
        return reverse("reports:calendar_feed", kwargs={"token": self.token})


class ExportKind(models.TextChoices):
    TOPICS = "topics", _("topics")
    ATTENDANCE = "attendance", _("attendance at a meeting")
    RESIDENTS = "residents", _("residents")
    OUTCOMES = "outcomes", _("outcomes")
    ACTION_ITEMS = "action_items", _("action items")
    PLEDGES = "pledges", _("pledges")
    BALLOTS = "ballots", _("ballots of open votes")


# Exports that hold personal data: recorded with who and when, staff only.
PERSONAL_KINDS = frozenset({ExportKind.RESIDENTS})


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    CSV = "csv", _("CSV")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export status", "waiting")
    RUNNING = "running", pgettext_lazy("export status", "writing the file")
    DONE = "done", pgettext_lazy("export status", "ready")
    FAILED = "failed", pgettext_lazy("export status", "failed")
    EXPIRED = "expired", pgettext_lazy("export status", "deleted after a day")


class Export(models.Model):
    """A file of a community's data that staff asked for, written in the background.

    The row stays after the file is deleted: it records who exported what, and when.
    """

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("community"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(
        _("format"), max_length=10, choices=ExportFormat.choices
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    language = models.CharField(_("language"), max_length=10)
    include_contact_details = models.BooleanField(
        _("with full mobile numbers and addresses"),
        default=False,
        help_text=_("Otherwise they are masked, as on the pages."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ExportStatus.choices,
        default=ExportStatus.QUEUED,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    failure = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "-created_at"], name="export_comm_idx"),
            models.Index(fields=["status", "expires_at"], name="export_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse(
            "reports:export_detail",
            kwargs={"community": self.community.slug, "pk": self.pk},
        )

    @property
    def is_running(self) -> bool:
        return self.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file)

    @property
    def holds_personal_data(self) -> bool:
        return self.kind in PERSONAL_KINDS

    @property
    def progress(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_written * 100 // self.total_rows)


class MetricSnapshot(models.Model):
    """A community's figures for one calendar month, computed by the daily beat task.

    The district view and each community's figures over time read these, so a page
    never counts a city's year of activity; `computed_at` says how fresh they are.
    """

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="metric_snapshots",
        verbose_name=_("community"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        ordering = ["community", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month"], name="snapshot_once_per_month"
            )
        ]
        indexes = [models.Index(fields=["month"], name="snapshot_month_idx")]

    def __str__(self):
        return f"{self.community_id} · {self.month:%Y-%m}"
