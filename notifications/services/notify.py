"""notify(): one notification per person, once, with a delivery per channel."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation

from residents.models import Community, Resident

from ..models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
)
from ..selectors import forget_unread_counts

User = get_user_model()

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


def chunks(items: list, size: int = _CHUNK):
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
    for chunk in chunks(sorted(missing)):
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
    for chunk in chunks(user_ids):
        for pref in NotificationPreference.objects.filter(user_id__in=chunk):
            stored[f"u{pref.user_id}"] = pref
    for chunk in chunks(resident_ids):
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
    return notify_now(
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
def notify_now(
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
    for chunk in chunks(list(keys.values())):
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
    forget_unread_counts(n.user_id for n in created.values())  # their badges

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
        for chunk in chunks([n.pk for n in created.values()]):
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
    for chunk in chunks(keys):
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
        for chunk in chunks([row.dedupe_key for row in rows]):
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
    from ..tasks import deliver, deliver_batch

    size = max(1, settings.NOTIFICATIONS_TASK_BATCH_SIZE)
    with deliver.app.producer_or_acquire() as producer:
        if eta is not None or len(delivery_ids) == 1 or size == 1:
            for pk in delivery_ids:
                deliver.apply_async((pk,), eta=eta, producer=producer)
            return
        for chunk in chunks(list(delivery_ids), size):
            deliver_batch.apply_async((chunk,), producer=producer)


def enqueue_on_commit(delivery: Delivery, *, eta: datetime | None = None):
    pk = delivery.pk
    transaction.on_commit(lambda: enqueue_deliveries([pk], eta=eta), robust=True)
