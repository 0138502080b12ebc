"""Notifications: one row per recipient, de-duplicated by key."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from residents.models import Community, Resident


class Notification(models.Model):
    """One message to one person, shown in the inbox and delivered by other channels."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("user"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read_idx"),
            models.Index(
                fields=["user", "-created_at"], name="notification_user_new_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False)
                | models.Q(resident__isnull=False),
                name="notification_has_recipient",
            )
        ]

    def __str__(self):
        return self.subject
