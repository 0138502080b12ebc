"""Submitting a topic, editing it before review, withdrawing it."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from residents.models import Community, Resident

from ..images import MAX_PHOTOS
from ..models import (
    Endorsement,
    Topic,
    TopicCategory,
    TopicEventKind,
    TopicPhoto,
    TopicStatus,
)
from ..selectors import COMMUNITY_TOPICS, may_act_for_topic, window_accepting
from .common import lock, record_event, require_text, tell_submitter


def _clean_topic_fields(*, title, description, category, location) -> dict:
    title = require_text(title, "title", _("Give the topic a short title."))
    description = require_text(
        description, "description", _("Say what the problem is and what you hope for.")
    )
    if category not in TopicCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    return {
        "title": title,
        "description": description,
        "category": category,
        "location": (location or "").strip(),
    }


def _add_photos(topic: Topic, photos: Iterable, start: int = 0) -> None:
    for position, photo in enumerate(photos, start=start):
        TopicPhoto.objects.create(topic=topic, image=photo, position=position)


@transaction.atomic
def topic_submit(
    *,
    community: Community,
    submitter: Resident,
    by,
    title: str,
    description: str,
    category: str = TopicCategory.OTHER,
    location: str = "",
    photos: Iterable = (),
    now=None,
) -> Topic:
    """Submit a topic into the open (or next) collection window, or let it wait.

    `by` is the user doing it: the submitter themself, or staff or a social worker
    recording it for a resident who came in person or called. `photos` are files
    already checked and re-encoded by `topics.images.prepare_photo`.
    """
    now = now or timezone.now()
    if submitter.community_id != community.pk:
        raise ValidationError(_("This resident is not registered in this community."))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("Add at most %(n)d photos.") % {"n": MAX_PHOTOS}}
        )
    fields = _clean_topic_fields(
        title=title, description=description, category=category, location=location
    )
    on_behalf = by is not None and by.pk != submitter.user_id
    window = window_accepting(community=community, now=now)
    topic = Topic(
        community=community,
        window=window,
        submitter=submitter,
        recorded_by=by if on_behalf else None,
        endorsement_count=1,
        **fields,
    )
    topic.full_clean()
    topic.save()
    # Whoever raises a topic supports it: counted once, as its first supporter.
    Endorsement.objects.create(topic=topic, resident=submitter)
    _add_photos(topic, photos)
    record_event(
        topic,
        TopicEventKind.SUBMITTED,
        actor=by,
        window=window.title if window else "",
    )
    if on_behalf:
        record_event(
            topic,
            TopicEventKind.RECORDED,
            actor=by,
            recorded_by=str(by),
            resident=submitter.name,
        )
        tell_submitter(topic, "topics_recorded_for_you", "recorded", recorded_by=by)
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return topic


@transaction.atomic
def topic_update(
    *,
    topic: Topic,
    by,
    title: str,
    description: str,
    category: str,
    location: str = "",
    add_photos: Iterable = (),
    remove_photo_ids: Iterable[int] = (),
) -> Topic:
    """Edit a topic; only its submitter (or staff for them), only before review."""
    topic = lock(topic)
    if not may_act_for_topic(topic=topic, user=by):
        raise ValidationError(
            _("Only the person who submitted this topic can edit it.")
        )
    refusal = topic.edit_refusal()
    if refusal:
        raise ValidationError(refusal)
    fields = _clean_topic_fields(
        title=title, description=description, category=category, location=location
    )
    remove_ids = {int(pk) for pk in remove_photo_ids}
    removed = list(TopicPhoto.objects.filter(topic=topic, pk__in=remove_ids))
    for photo in removed:
        photo.delete()
    if removed:
        storage = removed[0].image.storage
        names = [photo.image.name for photo in removed]
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    add_photos = list(add_photos)
    kept = TopicPhoto.objects.filter(topic=topic).count()
    if kept + len(add_photos) > MAX_PHOTOS:
        raise ValidationError(
            {
                "photos": _(
                    "A topic can have at most %(n)d photos; it has %(kept)d already."
                )
                % {"n": MAX_PHOTOS, "kept": kept}
            }
        )
    changed = [name for name, value in fields.items() if getattr(topic, name) != value]
    for name, value in fields.items():
        setattr(topic, name, value)
    topic.save(update_fields=[*fields, "updated_at"])
    last = TopicPhoto.objects.filter(topic=topic).order_by("-position").first()
    _add_photos(topic, add_photos, start=(last.position + 1) if last else 0)
    if changed or add_photos or remove_ids:
        record_event(topic, TopicEventKind.EDITED, actor=by, fields=changed)
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return topic


@transaction.atomic
def topic_withdraw(*, topic: Topic, by, reason: str = "") -> Topic:
    """Withdraw a topic any time before the meeting starts (and before a decision).

    The meeting's start is known when the council passed `meeting_starts_at` to
    collection_window_open / collection_window_move.
    """
    topic = lock(topic)
    if not may_act_for_topic(topic=topic, user=by):
        raise ValidationError(
            _("Only the person who submitted this topic can withdraw it.")
        )
    if not topic.is_withdrawable:
        raise ValidationError(_("This topic can no longer be withdrawn."))
    topic.status = TopicStatus.WITHDRAWN
    topic.save(update_fields=["status", "updated_at"])
    record_event(topic, TopicEventKind.WITHDRAWN, actor=by, note=(reason or "").strip())
    COMMUNITY_TOPICS.changed(str(topic.community_id))
    return topic
