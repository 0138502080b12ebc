"""Who attended a meeting, and how attendance records changed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.models import Resident

from .invitations import Invitation
from .meetings import Meeting
from .seats import Seat


class AttendanceRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("representative")
    ALTERNATE = "alternate", _("alternate standing in")
    STAKEHOLDER = "stakeholder", _("stakeholder")
    OBSERVER = "observer", _("observer")


class AttendanceStatus(models.TextChoices):
    IN_PERSON = "in_person", _("present in person")
    ONLINE = "online", _("present online")
    ON_LEAVE = "on_leave", _("absent with leave")
    ABSENT = "absent", _("absent")


PRESENT_STATUSES = (AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE)


class Attendance(models.Model):
    """One person's attendance at a meeting (签到)."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("meeting"),
    )
    role = models.CharField(
        _("attends as"), max_length=20, choices=AttendanceRole.choices
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("resident"),
    )
    seat = models.ForeignKey(
        Seat,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("seat"),
        help_text=_("For representatives and alternates: the seat they sit for."),
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("invitation"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    status = models.CharField(
        _("attendance"), max_length=20, choices=AttendanceStatus.choices
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    on_behalf = models.BooleanField(
        _("recorded by staff on their behalf"), default=False
    )
    checked_in_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "resident"],
                condition=Q(resident__isnull=False),
                name="attendance_resident_once_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "invitation"],
                condition=Q(invitation__isnull=False, resident__isnull=True),
                name="attendance_invitation_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(resident__isnull=False)
                | Q(invitation__isnull=False)
                | ~Q(name=""),
                name="attendance_names_someone",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} · {self.get_status_display()}"

    @property
    def display_name(self) -> str:
        if self.resident_id:
            return self.resident.name
        if self.invitation_id:
            return self.invitation.stakeholder_name
        return self.name

    @property
    def is_present(self) -> bool:
        return self.status in PRESENT_STATUSES


class AttendanceChange(models.Model):
    """One recorded state of someone's attendance, kept when it is corrected.

    Append-only: the Attendance row holds the current state (what the quorum
    counts); these rows tell who recorded what, and when.
    """

    attendance = models.ForeignKey(
        Attendance,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("attendance"),
    )
    status = models.CharField(
        _("attendance"), max_length=20, choices=AttendanceStatus.choices
    )
    previous_status = models.CharField(
        _("before"), max_length=20, choices=AttendanceStatus.choices, blank=True
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    on_behalf = models.BooleanField(
        _("recorded by staff on their behalf"), default=False
    )
    changed_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")
        ordering = ["attendance", "changed_at", "pk"]

    def __str__(self):
        return f"{self.attendance_id} · {self.get_status_display()}"
