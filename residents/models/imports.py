"""A resident-list import, from upload to done."""

from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .communities import Community
from .users import User


class ImportStatus(models.TextChoices):
    READY = "ready", pgettext_lazy("import status", "waiting for confirmation")
    QUEUED = "queued", pgettext_lazy("import status", "queued")
    CHECKING = "checking", pgettext_lazy("import status", "checking rows")
    WRITING = "writing", pgettext_lazy("import status", "saving residents")
    DONE = "done", pgettext_lazy("import status", "imported")
    CANCELLED = "cancelled", pgettext_lazy("import status", "cancelled")
    FAILED = "failed", pgettext_lazy("import status", "failed")


class ResidentImport(models.Model):
    """An uploaded file of residents: its checked rows, its report and its progress.

    The valid rows wait here (as JSON) until staff confirm or cancel, so the person
    can leave the page and come back.
    """

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="resident_imports",
        verbose_name=_("community"),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=40)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImportStatus.choices,
        default=ImportStatus.READY,
    )
    columns = models.JSONField(
        _("columns"),
        default=list,
        help_text=_("Each column of the file and the field it was read into."),
    )
    encoding = models.CharField(_("text encoding"), max_length=20, blank=True)
    preview = models.JSONField(_("first rows"), default=list)
    raw_rows = models.JSONField(
        _("rows as read"),
        default=list,
        help_text=_(
            "Every row of the file as read, kept until the import is confirmed or "
            "cancelled, so the rows can be checked again when a column is mapped."
        ),
    )
    rows = models.JSONField(_("valid rows"), default=list)
    report = models.JSONField(
        _("row report"), default=list, help_text=_("Rows that cannot be imported.")
    )
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    warning_rows = models.PositiveIntegerField(
        _("rows to confirm"),
        default=0,
        help_text=_("Possible duplicates and rows with unreadable characters."),
    )
    accepted_warnings = models.JSONField(
        _("confirmed warnings"),
        default=list,
        help_text=_("The kinds of warning staff confirmed when they started it."),
    )
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    failure = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("residents import")
        verbose_name_plural = _("residents imports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["community", "-created_at"], name="resident_import_comm_idx"
            )
        ]

    def __str__(self):
        return f"{self.file_name} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse(
            "residents:import_detail",
            kwargs={"community": self.community.slug, "pk": self.pk},
        )

    @property
    def is_open(self) -> bool:
        """Waiting for staff to confirm or cancel."""
        return self.status == ImportStatus.READY

    @property
    def is_running(self) -> bool:
        return self.status in {
            ImportStatus.QUEUED,
            ImportStatus.CHECKING,
            ImportStatus.WRITING,
        }

    @property
    def is_waiting_long(self) -> bool:
        """Queued for over two minutes: the background worker may be down."""
        return (
            self.status == ImportStatus.QUEUED
            and self.confirmed_at is not None
            and timezone.now() - self.confirmed_at > timedelta(minutes=2)
        )

    @property
    def is_finished(self) -> bool:
        return self.status in {
            ImportStatus.DONE,
            ImportStatus.CANCELLED,
            ImportStatus.FAILED,
        }

    @property
    def lacks_mobile_column(self) -> bool:
        """No column of the file holds mobile numbers (staff must confirm that)."""
        return not any(column.get("field") == "mobile" for column in self.columns)
