"""Reads for inbox, staff pages and the notice board."""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from core.fragments import SharedFragments
from residents.models import Community

from .models import DIGEST_KIND, Delivery, DeliveryStatus, Notification


def inbox_for_user(user):
    return Notification.objects.for_inbox(user).select_related("community")


_UNREAD_ATTR = "_yishihui_unread_count"
# Every page's navbar shows the badge: the count is kept in the cache between
# requests, and the services that add notifications or mark them read forget it
# once they commit. The timeout bounds what a read racing such a commit can keep.
UNREAD_CACHE_SECONDS = 5 * 60


def _unread_key(user_id: int) -> str:
    return f"inbox-unread:{user_id}"


def unread_count(user) -> int:
    """The user's unread notifications: from the cache, else counted and kept.

    Kept on the user for the rest of the request too (the inbox and the navbar's
    badge both ask). Services that change it call forget_unread_count (which
    forgets the kept inbox pages too).
    """
    if user is None or not user.is_authenticated:
        return 0
    if _UNREAD_ATTR not in user.__dict__:
        key = _unread_key(user.pk)
        count = cache.get(key)
        if count is None:
            count = Notification.objects.for_inbox(user).unread().count()
            cache.add(key, count, UNREAD_CACHE_SECONDS)
        user.__dict__[_UNREAD_ATTR] = count
    return user.__dict__[_UNREAD_ATTR]


def forget_unread_count(user) -> None:
    """Drop the kept count of one user (this request now, the cache on commit)."""
    user.__dict__.pop(_UNREAD_ATTR, None)
    forget_unread_counts([user.pk])


# The inbox's first pages are kept rendered per login (scope: the user's id) and
# language, and forgotten with the unread count: whatever adds a notification or
# marks one read changes both. What no service announces (a community renamed)
# shows within the timeout.
INBOX_PAGES = SharedFragments("inbox", timeout=10 * 60)


def forget_unread_counts(user_ids) -> None:
    """Drop the cached counts and kept inbox pages of these users once the current
    transaction commits."""
    user_ids = {user_id for user_id in user_ids if user_id}
    if user_ids:
        keys = [_unread_key(user_id) for user_id in user_ids]
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
        INBOX_PAGES.changed(*map(str, user_ids))


def deliveries_for_community(community: Community, *, status: str | None = None):
    """Deliveries of the community's notifications.

    Waiting ones in the order they will go (those going now first, then by the
    time they are due); the others newest change first.
    """
    qs = Delivery.objects.for_community(community).select_related(
        "notification", "notification__resident", "notification__user"
    )
    if status:
        qs = qs.filter(status=status)
    if status == DeliveryStatus.PENDING:
        return qs.order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
    return qs.order_by("-updated_at", "-pk")


def delivery_counts_for_community(community: Community) -> dict[str, int]:
    rows = (
        Delivery.objects.for_community(community)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {status: 0 for status in DeliveryStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def notices_for_board(
    community: Community, *, days: int, language: str, limit: int = 30
) -> list[Notification]:
    """One notification per event of the last `days` days, in `language` if any.

    Two queries whatever the number of recipients: the events (with the first
    notification of each, and the first in the wanted language), then those rows.
    """
    since = timezone.now() - timedelta(days=days)
    events = (
        Notification.objects.filter(community=community, created_at__gte=since)
        .exclude(kind=DIGEST_KIND)
        .values("event_key")
        .annotate(
            first_pk=Min("pk"),
            in_language_pk=Min("pk", filter=Q(language=language)),
        )
        .order_by("-first_pk")[:limit]
    )
    ids = [row["in_language_pk"] or row["first_pk"] for row in events]
    by_pk = Notification.objects.in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]
