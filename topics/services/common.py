"""What the topics services share: history events, locks, telling people, checks."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from core.scheduling import enqueue_at
from notifications.services import notify
from residents.models import Community, Role

from ..models import CollectionWindow, Topic, TopicEvent, TopicStatus

# A topic can be triaged (accepted, merged, declined, deferred) from these statuses.
TRIAGE_STATUSES = (TopicStatus.SUBMITTED, TopicStatus.IN_TRIAGE, TopicStatus.DEFERRED)
REMINDER_BEFORE_DEADLINE = timedelta(days=2)


def record_event(topic: Topic, kind: str, *, actor=None, note: str = "", **payload):
    return TopicEvent.objects.create(
        topic=topic, kind=kind, actor=actor, note=note, payload=payload
    )


def lock(topic: Topic) -> Topic:
    return (
        Topic.objects.select_for_update(of=("self",))
        .select_related("community", "submitter", "window")
        .get(pk=topic.pk)
    )


def tell_submitter(topic: Topic, kind: str, event: str, **context) -> None:
    notify(
        recipients=[topic.submitter],
        kind=kind,
        context={"topic": topic, "community": topic.community, **context},
        dedupe_key=f"topic:{topic.pk}:{event}",
        link=topic.get_absolute_url(),
        community=topic.community,
    )


def staff_and_social_workers(community: Community):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__community=community,
            memberships__role__in=[Role.STAFF, Role.SOCIAL_WORKER],
            is_active=True,
        )
        .distinct()
    )


def enqueue_close(window: CollectionWindow) -> None:
    from ..tasks import close_collection_window

    window_id, eta = window.pk, window.closes_at
    # Beyond the ETA horizon the minute sweep closes it when due.
    transaction.on_commit(
        lambda: enqueue_at(close_collection_window, args=[window_id], eta=eta)
    )


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
