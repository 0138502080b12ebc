"""Notifications: one row per recipient, de-duplicated by key, and its deliveries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.models import Community, Resident

DIGEST_KIND = "digest"


class NotificationQuerySet(models.QuerySet):
    def for_inbox(self, user):
        """Return what `user` sees in the inbox (digests are a channel, not news)."""
        return self.filter(user=user).exclude(kind=DIGEST_KIND)

    def unread(self):
        return self.filter(read_at__isnull=True)


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
    # The event the notification is about (dedupe_key without the recipient): one
    # notice on the notice board, however many people were told.
    event_key = models.CharField(_("event"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    sms_text = models.CharField(_("SMS text"), max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read_idx"),
            models.Index(
                fields=["user", "-created_at"], name="notification_user_new_idx"
            ),
            models.Index(
                fields=["community", "event_key"], name="notification_comm_event_idx"
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

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def recipient_name(self) -> str:
        return str(self.resident or self.user)


class NotificationPreference(models.Model):
    """How one person wants to be told: for a login, or for a resident without one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    resident = models.OneToOneField(
        Resident,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_preference",
        verbose_name=_("resident"),
    )
    email_enabled = models.BooleanField(_("email"), default=True)
    sms_enabled = models.BooleanField(_("text messages (SMS)"), default=True)
    sms_quiet_hours = models.BooleanField(
        _("no text messages at night"),
        default=True,
        help_text=_("Text messages due between 21:00 and 08:00 wait until 08:00."),
    )
    daily_digest = models.BooleanField(
        _("one summary a day"),
        default=False,
        help_text=_(
            "Instead of one email or text message per notification, get one a day "
            "listing them all. The inbox is always up to date."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, resident__isnull=True)
                    | Q(user__isnull=True, resident__isnull=False)
                ),
                name="notification_preference_one_person",
            )
        ]

    def __str__(self):
        return str(self.user or self.resident)


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    SMS = "sms", _("text message")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    HELD = "held", _("held for the daily summary")
    SENT = "sent", _("sent")
    DIGESTED = "digested", _("sent in the daily summary")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


FINISHED_STATUSES = (
    DeliveryStatus.SENT,
    DeliveryStatus.DIGESTED,
    DeliveryStatus.FAILED,
    DeliveryStatus.CANCELLED,
)


class DeliveryQuerySet(models.QuerySet):
    def for_community(self, community):
        return self.filter(notification__community=community)

    def failed(self):
        return self.filter(status=DeliveryStatus.FAILED)

    def due(self, *, now=None):
        """Return pending deliveries whose time has come."""
        now = now or timezone.now()
        return self.filter(status=DeliveryStatus.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )


class Delivery(models.Model):
    """One notification sent (or to be sent) over one channel beyond the inbox."""

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(
        _("address"), max_length=254, help_text=_("Email address or mobile number.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_message_id = models.CharField(
        _("provider message id"), max_length=100, blank=True
    )
    manual_retries = models.PositiveSmallIntegerField(_("retried by staff"), default=0)
    digest = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested_deliveries",
        verbose_name=_("daily summary"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                name="delivery_one_per_channel",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(
                fields=["status", "-updated_at"], name="delivery_status_recent_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.notification}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class LoggedSms(models.Model):
    """A text message the logging backend 'sent' (development and tests).

    Written in the same transaction that marks the delivery sent, so the log holds
    exactly the messages the app considers delivered.
    """

    mobile = models.CharField(_("mobile number"), max_length=20)
    template_code = models.CharField(_("template"), max_length=60, blank=True)
    params = models.JSONField(_("parameters"), default=dict)
    text = models.TextField(_("text"))
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("logged text message")
        verbose_name_plural = _("logged text messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.mobile}: {self.text[:40]}"
