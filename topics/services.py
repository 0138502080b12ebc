"""Every write to topics and collection windows."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from residents.models import Community

from .models import CollectionWindow


@transaction.atomic
def collection_window_open(
    *, community: Community, title: str, opens_at, closes_at
) -> CollectionWindow:
    """Create the collection window for a meeting being scheduled."""
    if closes_at <= opens_at:
        raise ValidationError(_("Topic collection must close after it opens."))
    window = CollectionWindow(
        community=community, title=title, opens_at=opens_at, closes_at=closes_at
    )
    window.full_clean()
    window.save()
    return window


@transaction.atomic
def collection_window_move(
    *, window: CollectionWindow, opens_at, closes_at, title: str | None = None
) -> CollectionWindow:
    """Move a window's dates (the meeting was rescheduled)."""
    if closes_at <= opens_at:
        raise ValidationError(_("Topic collection must close after it opens."))
    window = CollectionWindow.objects.select_for_update().get(pk=window.pk)
    window.opens_at = opens_at
    window.closes_at = closes_at
    fields = ["opens_at", "closes_at"]
    if title is not None:
        window.title = title
        fields.append("title")
    window.save(update_fields=fields)
    return window
