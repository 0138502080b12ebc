"""notify() and delivery: the one way the app tells people things.

Writes only. Every function is keyword-only; tasks and views call these.

Exactly once: a delivery is sent inside a transaction that holds its row lock and
marks it sent, so a duplicate task (a redelivered message, a sweep) waits for the
lock, then sees it sent and stops. For the logging backend the log row is written
in that same transaction, so "sent" and "logged" cannot disagree. For a real
gateway the message id (OutId) carries the delivery reference: a worker killed
between the gateway's answer and the commit is the one window where a message can
go out twice, and the reference lets the provider's receipts show it.
"""

import logging
import random
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from residents.models import Community, Resident

from .models import (
    DIGEST_KIND,
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
)
from .sms import SmsMessage, SmsPermanentError, SmsTemporaryError, get_backend
from .sms import template_code_for as sms_template_code

User = get_user_model()
logger = logging.getLogger("notifications")

# SQLite allows 999 parameters per statement in old builds: stay well under.
_CHUNK = 500


@dataclass
class _Person:
    """One recipient after de-duplication: a login, a resident record, or both."""

    user: User | None
    resident: Resident | None

    @property
    def key(self) -> str:
        if self.user is not None:
            return f"u{self.user.pk}"
        return f"r{self.resident.pk}"

    @property
    def language(self) -> str:
        if self.user is not None and self.user.language:
            return self.user.language
        return settings.LANGUAGE_CODE

    @property
    def email(self) -> str:
        return (self.user.email or "").strip() if self.user is not None else ""

    @property
    def mobile(self) -> str:
        if self.resident is not None and self.resident.mobile:
            return self.resident.mobile
        if self.user is not None and self.user.mobile:
            return self.user.mobile
        return ""

    @property
    def recipient(self):
        return self.resident if self.resident is not None else self.user


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _people(recipients: Iterable) -> list[_Person]:
    """Resolve Users and Residents to people, one per login (or resident without one).

    A user passed both as a User and through their Resident record is one person;
    the Resident record is kept, as it says which community and mobile to use.
    """
    residents, users = [], []
    for obj in recipients:
        if isinstance(obj, Resident):
            residents.append(obj)
        elif isinstance(obj, User):
            users.append(obj)
        else:
            raise TypeError(f"cannot notify {obj!r}")
    logins = {u.pk: u for u in users}
    missing = {r.user_id for r in residents if r.user_id and r.user_id not in logins}
    for chunk in _chunks(sorted(missing)):
        logins.update(User.objects.in_bulk(chunk))
    people: dict[str, _Person] = {}
    for resident in residents:
        person = _Person(user=logins.get(resident.user_id), resident=resident)
        people.setdefault(person.key, person)
    for user in users:
        people.setdefault(f"u{user.pk}", _Person(user=user, resident=None))
    return list(people.values())


def _preferences(people: list[_Person]) -> dict[str, NotificationPreference]:
    """Return each person's preference (unsaved defaults where none is stored)."""
    user_ids = [p.user.pk for p in people if p.user is not None]
    resident_ids = [p.resident.pk for p in people if p.user is None]
    stored: dict[str, NotificationPreference] = {}
    for chunk in _chunks(user_ids):
        for pref in NotificationPreference.objects.filter(user_id__in=chunk):
            stored[f"u{pref.user_id}"] = pref
    for chunk in _chunks(resident_ids):
        for pref in NotificationPreference.objects.filter(resident_id__in=chunk):
            stored[f"r{pref.resident_id}"] = pref
    return {p.key: stored.get(p.key) or NotificationPreference() for p in people}


_SMS_TEMPLATE_EXISTS: dict[str, bool] = {}


def _has_sms_template(kind: str) -> bool:
    if kind not in _SMS_TEMPLATE_EXISTS or settings.DEBUG:
        try:
            get_template(f"notifications/{kind}/sms.txt")
        except TemplateDoesNotExist:
            _SMS_TEMPLATE_EXISTS[kind] = False
        else:
            _SMS_TEMPLATE_EXISTS[kind] = True
    return _SMS_TEMPLATE_EXISTS[kind]


def _render_text(name: str, context: dict) -> str:
    """Render a template as plain text: no HTML escaping (pages escape on display)."""
    return get_template(name).template.render(Context(context, autoescape=False))


def _render(kind: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render subject, body and SMS text of `kind` in `language`."""
    with translation.override(language):
        subject = _render_text(f"notifications/{kind}/subject.txt", context)
        body = _render_text(f"notifications/{kind}/body.txt", context)
        subject = " ".join(subject.split())[:200]
        if _has_sms_template(kind):
            sms = _render_text(f"notifications/{kind}/sms.txt", context)
            sms = " ".join(sms.split())
        else:
            sms = subject
    return subject, body.strip(), sms[:300]


def _channels_for(
    person: _Person, pref: NotificationPreference, allowed: set[str]
) -> list[tuple[str, str]]:
    """Return (channel, address) pairs this person can be reached on."""
    out = []
    if Channel.EMAIL in allowed and pref.email_enabled and person.email:
        out.append((Channel.EMAIL, person.email))
    if Channel.SMS in allowed and pref.sms_enabled and person.mobile:
        out.append((Channel.SMS, person.mobile))
    return out


def notify(
    *,
    recipients: Iterable,
    kind: str,
    context: dict,
    dedupe_key: str,
    link: str = "",
    community: Community | None = None,
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Create one notification per recipient, once per (dedupe_key, recipient).

    `recipients` are Users and/or Residents; a login reached both ways is told once.
    Subject and body come from the templates notifications/<kind>/subject.txt and
    body.txt (SMS text from sms.txt when it exists, else the subject), rendered in
    each recipient's language with `recipient` added to `context`. Calling again
    with the same key notifies nobody twice.

    Besides the inbox, each new notification gets a Delivery per channel the person
    can be reached on and has not turned off (`channels` narrows them: "email",
    "sms"); deliveries are queued when the surrounding transaction commits, so a
    rolled-back write sends nothing. Returns the notifications created now.
    """
    return _notify(
        recipients=recipients,
        kind=kind,
        context=context,
        dedupe_key=dedupe_key,
        link=link,
        community=community,
        channels=channels,
        hold_for_digest=True,
    )


@transaction.atomic
def _notify(
    *,
    recipients,
    kind,
    context,
    dedupe_key,
    link,
    community,
    channels,
    hold_for_digest: bool,
) -> list[Notification]:
    allowed = set(Channel.values if channels is None else channels)
    people = _people(recipients)
    if not people:
        return []
    keys = {p.key: f"{dedupe_key}:{p.key}"[:255] for p in people}
    existing: set[str] = set()
    for chunk in _chunks(list(keys.values())):
        existing.update(
            Notification.objects.filter(dedupe_key__in=chunk).values_list(
                "dedupe_key", flat=True
            )
        )
    fresh = [p for p in people if keys[p.key] not in existing]
    if not fresh:
        return []
    rows = []
    for person in fresh:
        subject, body, sms = _render(
            kind, {**context, "recipient": person.recipient}, person.language
        )
        community_id = community.pk if community is not None else None
        if community_id is None and person.resident is not None:
            community_id = person.resident.community_id
        rows.append(
            Notification(
                community_id=community_id,
                user=person.user,
                resident=person.resident,
                kind=kind,
                subject=subject,
                body=body,
                sms_text=sms,
                link=link,
                dedupe_key=keys[person.key],
                event_key=dedupe_key[:255],
                language=person.language,
            )
        )
    created = {n.dedupe_key: n for n in _insert_notifications(rows)}

    prefs = _preferences(fresh)
    now = timezone.now()
    deliveries = []
    for person in fresh:
        notification = created.get(keys[person.key])
        if notification is None:
            continue
        pref = prefs[person.key]
        held = hold_for_digest and pref.daily_digest
        for channel, address in _channels_for(person, pref, allowed):
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    address=address,
                    status=DeliveryStatus.HELD if held else DeliveryStatus.PENDING,
                    enqueued_at=None if held else now,
                )
            )
    # The notifications are this transaction's own: no one else can add to them.
    Delivery.objects.bulk_create(deliveries, batch_size=_CHUNK)
    pending = [d.pk for d in deliveries if d.status == DeliveryStatus.PENDING]
    if any(d.pk is None for d in deliveries):  # SQLite before 3.35 returns no ids
        pending = []
        for chunk in _chunks([n.pk for n in created.values()]):
            pending.extend(
                Delivery.objects.filter(
                    notification_id__in=chunk, status=DeliveryStatus.PENDING
                ).values_list("pk", flat=True)
            )
    if pending:
        transaction.on_commit(lambda: enqueue_deliveries(pending), robust=True)
    return sorted(created.values(), key=lambda n: n.pk)


def _taken_keys(keys: list[str]) -> set[str]:
    taken: set[str] = set()
    for chunk in _chunks(keys):
        taken.update(
            Notification.objects.filter(dedupe_key__in=chunk).values_list(
                "dedupe_key", flat=True
            )
        )
    return taken


def _insert_notifications(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose de-duplication key is still free; return those inserted.

    A notify() running at the same moment with the same key may insert some of the
    same keys first, unseen until it commits. The insert then waits for it and fails
    on the unique key; the keys it took are dropped and the rest inserted again. So
    each call returns, and queues deliveries for, only the rows it created.
    """
    while rows:
        try:
            with transaction.atomic():
                Notification.objects.bulk_create(rows, batch_size=_CHUNK)
        except IntegrityError:
            taken = _taken_keys([row.dedupe_key for row in rows])
            if not taken:
                raise  # not a duplicate key
            rows = [row for row in rows if row.dedupe_key not in taken]
            for row in rows:  # an earlier batch may have had ids given, then undone
                row.pk = None
                row._state.adding = True
            continue
        break
    if any(row.pk is None for row in rows):  # SQLite before 3.35 returns no ids
        ids = {}
        for chunk in _chunks([row.dedupe_key for row in rows]):
            ids.update(
                Notification.objects.filter(dedupe_key__in=chunk).values_list(
                    "dedupe_key", "pk"
                )
            )
        for row in rows:
            row.pk = ids[row.dedupe_key]
            row._state.adding = False
    return rows


def enqueue_deliveries(delivery_ids: list[int], *, eta: datetime | None = None):
    """Queue deliveries over one broker connection.

    Many at once go in batches (NOTIFICATIONS_TASK_BATCH_SIZE per task): the cost
    of a task message is larger than that of sending one text message. A batch
    that dies half-way leaves its unsent deliveries pending for the sweep.
    """
    from .tasks import deliver, deliver_batch

    size = max(1, settings.NOTIFICATIONS_TASK_BATCH_SIZE)
    with deliver.app.producer_or_acquire() as producer:
        if eta is not None or len(delivery_ids) == 1 or size == 1:
            for pk in delivery_ids:
                deliver.apply_async((pk,), eta=eta, producer=producer)
            return
        for chunk in _chunks(list(delivery_ids), size):
            deliver_batch.apply_async((chunk,), producer=producer)


def _enqueue_on_commit(delivery: Delivery, *, eta: datetime | None = None):
    pk = delivery.pk
    transaction.on_commit(lambda: enqueue_deliveries([pk], eta=eta), robust=True)


# --- sending ---------------------------------------------------------------


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
            _enqueue_on_commit(delivery, eta=delivery.next_attempt_at)
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
                _enqueue_on_commit(delivery, eta=delivery.next_attempt_at)
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
    from .broker import waiting_messages

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
    for chunk in _chunks(ids):
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
    _enqueue_on_commit(delivery)
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
    for chunk in _chunks(ids):
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


# --- daily digest ----------------------------------------------------------


def digests_send(*, now: datetime | None = None) -> int:
    """Send each person with held deliveries one summary; return how many were sent.

    One summary per person per local day (its de-duplication key has the date);
    deliveries held after today's summary wait for tomorrow's.
    """
    now = now or timezone.now()
    people = (
        Delivery.objects.filter(status=DeliveryStatus.HELD)
        .values_list("notification__user_id", "notification__resident_id")
        .order_by()
        .distinct()
    )
    seen, sent = set(), 0
    for user_id, resident_id in people:
        person = ("u", user_id) if user_id else ("r", resident_id)
        if person in seen:
            continue
        seen.add(person)
        if _digest_send_one(user_id=user_id, resident_id=resident_id, now=now):
            sent += 1
    return sent


@transaction.atomic
def _digest_send_one(*, user_id, resident_id, now) -> bool:
    if user_id:
        condition = Q(notification__user_id=user_id)
    else:
        condition = Q(
            notification__user__isnull=True, notification__resident_id=resident_id
        )
    held = list(
        Delivery.objects.filter(condition, status=DeliveryStatus.HELD)
        .select_for_update(of=("self",))
        .select_related("notification", "notification__resident", "notification__user")
        .order_by("notification__created_at", "pk")
    )
    if not held:
        return False
    notifications = list({d.notification_id: d.notification for d in held}.values())
    first = notifications[0]
    recipient = first.user if user_id else first.resident
    communities = {n.community_id for n in notifications}
    community = first.community if len(communities) == 1 else None
    day = timezone.localdate(now).isoformat()
    created = _notify(
        recipients=[recipient],
        kind=DIGEST_KIND,
        context={"notifications": notifications, "count": len(notifications)},
        dedupe_key=f"digest:{day}",
        link="/inbox/" if user_id else "",
        community=community,
        channels={d.channel for d in held},
        hold_for_digest=False,
    )
    if not created:
        return False  # today's summary went out already: these wait for tomorrow
    Delivery.objects.filter(pk__in=[d.pk for d in held]).update(
        status=DeliveryStatus.DIGESTED, digest=created[0], updated_at=now
    )
    return True


# --- inbox -----------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's notifications read (idempotent)."""
    if notification.user_id != user.pk:
        raise ValidationError(_("This notification is not yours."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now
        )
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
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
