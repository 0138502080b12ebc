"""The agenda of a meeting: items, their order, and topics accepted onto it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from topics.models import Topic

from ..models import (
    AgendaItem,
    Meeting,
)
from .meetings import locked_meeting, meeting_page_changed


def _locked_agenda(meeting: Meeting) -> Meeting:
    """Lock the meeting row and refuse when its agenda can no longer change."""
    meeting = locked_meeting(meeting)
    if not meeting.agenda_editable:
        raise ValidationError(
            _("The agenda of a %(status)s meeting cannot be changed.")
            % {"status": meeting.get_status_display()}
        )
    return meeting


def _renumber(items) -> None:
    """Give the items positions 1, 2, 3 ... in the order given."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def agenda_item_create(
    *,
    meeting: Meeting,
    by,
    topic: Topic | None = None,
    title: str = "",
    description: str = "",
) -> AgendaItem:
    """Add an item at the end of the agenda: a topic, or a staff item in free text.

    Locks the meeting row so two items added at once get distinct positions.
    """
    meeting = _locked_agenda(meeting)
    title = (title or "").strip()
    description = (description or "").strip()
    if topic is not None:
        if topic.community_id != meeting.community_id:
            raise ValidationError({"topic": _("Choose a topic of this community.")})
        if meeting.agenda_items.filter(topic=topic).exists():
            raise ValidationError({"topic": _("This topic is already on the agenda.")})
        title = title or topic.title
        description = description or topic.description
    if not title:
        raise ValidationError({"title": _("Give the agenda item a title.")})
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        position=last + 1,
        topic=topic,
        title=title[:200],
        description=description,
        created_by=by,
    )
    item.full_clean()
    item.save()
    meeting_page_changed(meeting)
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by, direction: str) -> AgendaItem:
    """Swap the item with its neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    meeting = _locked_agenda(item.meeting)
    items = list(meeting.agenda_items.order_by("position", "pk"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return items[index]
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    meeting_page_changed(meeting)
    return items[other]


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by) -> None:
    """Take an item off the agenda (before the meeting opens)."""
    meeting = _locked_agenda(item.meeting)
    item.delete()
    _renumber(meeting.agenda_items.order_by("position", "pk"))
    meeting_page_changed(meeting)
