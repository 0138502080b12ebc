"""The inbox and each person's choice of how to be told."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from residents.models import Resident

from ..models import Notification, NotificationPreference
from ..selectors import forget_unread_count


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's notifications read (idempotent)."""
    if notification.user_id != user.pk:
        raise ValidationError(_("This notification is not yours."))
    forget_unread_count(user)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now
        )
        notification.read_at = now
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
    forget_unread_count(user)
    return Notification.objects.for_inbox(user).unread().update(read_at=timezone.now())


@transaction.atomic
def preference_save(
    *,
    user=None,
    resident: Resident | None = None,
    email_enabled: bool,
    sms_enabled: bool,
    sms_quiet_hours: bool,
    daily_digest: bool,
) -> NotificationPreference:
    """Store how a person (a login, or a resident without one) wants to be told."""
    if (user is None) == (resident is None):
        raise ValueError("give either a user or a resident")
    if resident is not None and resident.user_id:
        raise ValidationError(
            _("This resident has a login and sets their own preferences.")
        )
    lookup = {"user": user} if user is not None else {"resident": resident}
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(
        **lookup
    )
    pref.email_enabled = email_enabled
    pref.sms_enabled = sms_enabled
    pref.sms_quiet_hours = sms_quiet_hours
    pref.daily_digest = daily_digest
    pref.save()
    return pref
