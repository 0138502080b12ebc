"""Sending deliveries: exactly once, retried with backoff, quiet hours kept."""

import logging
import random
import smtplib
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from residents.models import Community

from ..models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
)
from ..sms import SmsMessage, SmsPermanentError, SmsTemporaryError, get_backend
from ..sms import template_code_for as sms_template_code
from .notify import chunks, enqueue_deliveries, enqueue_on_commit

logger = logging.getLogger("notifications")


def preference_for(notification: Notification) -> NotificationPreference:
    """Return the stored preference of the notification's person, or defaults."""
    if notification.user_id:
        condition = Q(user_id=notification.user_id)
    else:
        condition = Q(resident_id=notification.resident_id)
    return NotificationPreference.objects.filter(condition).first() or (
        NotificationPreference()
    )


def in_quiet_hours(moment: datetime) -> bool:
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    hour = timezone.localtime(moment).hour
    if start > end:  # the window crosses midnight (21:00-08:00)
        return hour >= start or hour < end
    return start <= hour < end


def quiet_hours_end(moment: datetime) -> datetime:
    """Return the first moment after `moment` when text messages may go out."""
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    local = timezone.localtime(moment)
    day = local.date()
    if start > end and local.hour >= start:
        day += timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=local.tzinfo)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: base * 2**(attempts-1), capped, times 0.5-1."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.5, 1.0)


def absolute_link(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return f"{settings.SITE_URL}{link if link.startswith('/') else '/' + link}"


def _send_email(delivery: Delivery) -> str:
    notification = delivery.notification
    body = notification.body
    if notification.link:
        with translation.override(notification.language or settings.LANGUAGE_CODE):
            label = _("Open")
            body = f"{body}\n\n{label}: {absolute_link(notification.link)}"
    message = EmailMessage(
        subject=notification.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"X-Yishihui-Delivery": str(delivery.pk)},
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise SmsPermanentError(f"recipient refused: {exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SmsTemporaryError(f"{exc.__class__.__name__}: {exc}") from exc
    return ""


def _send_sms(delivery: Delivery) -> str:
    notification = delivery.notification
    message = SmsMessage(
        mobile=delivery.address,
        text=notification.sms_text or notification.subject,
        template_code=sms_template_code(notification.kind),
        params={"subject": notification.sms_text or notification.subject},
        reference=f"d{delivery.pk}",
    )
    return get_backend().send(message)


def _channel_still_wanted(delivery: Delivery, pref: NotificationPreference) -> bool:
    if delivery.channel == Channel.EMAIL:
        return pref.email_enabled
    return pref.sms_enabled


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Send one delivery if it is due; schedule the next try on a transient error.

    Holds the delivery's row lock (select_for_update) while sending, so a second
    task for the same delivery skips it (another worker has it) or, later, finds
    it sent and does nothing. Text messages due in quiet hours are deferred to
    their end, not dropped. (On SQLite the whole transaction is serialised.)
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("notification")
            .filter(pk=delivery_id)
            .first()
        )
        # None: no such delivery (rolled back), or another worker holds it now and
        # will send it or schedule its next try itself.
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery
        now = timezone.now()
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return delivery  # early duplicate; its own task or the sweep sends it
        pref = preference_for(delivery.notification)
        if not _channel_still_wanted(delivery, pref):
            delivery.status = DeliveryStatus.CANCELLED
            delivery.last_error = "turned off by the recipient"
            delivery.save(update_fields=["status", "last_error", "updated_at"])
            return delivery
        if (
            delivery.channel == Channel.SMS
            and pref.sms_quiet_hours
            and in_quiet_hours(now)
        ):
            delivery.next_attempt_at = quiet_hours_end(now)
            delivery.enqueued_at = now
            delivery.save(
                update_fields=["next_attempt_at", "enqueued_at", "updated_at"]
            )
            enqueue_on_commit(delivery, eta=delivery.next_attempt_at)
            return delivery

        delivery.attempts += 1
        fields = ["attempts", "status", "last_error", "next_attempt_at", "updated_at"]
        try:
            with transaction.atomic():
                if delivery.channel == Channel.EMAIL:
                    provider_id = _send_email(delivery)
                else:
                    provider_id = _send_sms(delivery)
        except SmsPermanentError as exc:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = str(exc)[:1000]
            delivery.next_attempt_at = None
        except Exception as exc:  # noqa: BLE001 - transient and unforeseen alike retry
            if not isinstance(exc, SmsTemporaryError):
                logger.exception("delivery %s: unexpected error", delivery.pk)
            delivery.last_error = f"{exc.__class__.__name__}: {exc}"[:1000]
            if delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + timedelta(
                    seconds=retry_delay(delivery.attempts)
                )
                delivery.enqueued_at = now
                fields.append("enqueued_at")
                enqueue_on_commit(delivery, eta=delivery.next_attempt_at)
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
            delivery.next_attempt_at = None
            delivery.provider_message_id = (provider_id or "")[:100]
            fields += ["sent_at", "provider_message_id"]
        delivery.save(update_fields=fields)
        if delivery.status == DeliveryStatus.FAILED:
            logger.warning(
                "delivery %s (%s) failed after %s attempts: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                delivery.last_error,
            )
        return delivery


def deliveries_sweep(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Queue again pending deliveries whose task seems lost; return how many.

    A delivery is stuck when it has been due and queued for longer than
    NOTIFICATIONS_STUCK_AFTER_SECONDS (a worker killed holding its message, a
    broker that lost it, an enqueue that failed after commit). Queuing twice is
    harmless: delivery_send is idempotent.
    """
    from ..broker import waiting_messages

    backlog = waiting_messages()
    if backlog is not None and backlog > settings.NOTIFICATIONS_SWEEP_MAX_BACKLOG:
        # Deliveries still in a long queue are not lost: queuing them again would
        # only grow the queue. The sweep waits until the workers catch up.
        logger.info("sweep skipped: %s messages are waiting in the broker", backlog)
        return 0
    now = now or timezone.now()
    threshold = now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_AFTER_SECONDS)
    stuck = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=threshold))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=threshold))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(stuck)
    for chunk in chunks(ids):
        Delivery.objects.filter(pk__in=chunk).update(enqueued_at=now)
        enqueue_deliveries(chunk)
    if ids:
        logger.info("sweep queued %s stuck deliveries again", len(ids))
    return len(ids)


@transaction.atomic
def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Give a failed delivery a fresh round of attempts (staff's retry button)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise ValidationError(_("Only a failed delivery can be tried again."))
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = None
    delivery.enqueued_at = timezone.now()
    delivery.manual_retries += 1
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "next_attempt_at",
            "enqueued_at",
            "manual_retries",
            "updated_at",
        ]
    )
    enqueue_on_commit(delivery)
    return delivery


@transaction.atomic
def deliveries_retry_failed(*, community: Community) -> int:
    """Retry every failed delivery of the community; return how many."""
    ids = list(
        Delivery.objects.for_community(community)
        .failed()
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    for chunk in chunks(ids):
        Delivery.objects.filter(pk__in=chunk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=None,
            enqueued_at=now,
            updated_at=now,
        )
    if ids:
        transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return len(ids)
