"""The daily digest: one summary a day for people who asked for one."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import DIGEST_KIND, Delivery, DeliveryStatus
from .notify import notify_now


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
    created = notify_now(
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
