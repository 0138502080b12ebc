"""Action items (落实事项): owners, due dates, progress updates, reminders, done.

When the last action item of an outcome is done the outcome is implemented and
the people who took part in its topic are invited, once, to rate it.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scheduling import enqueue_at
from notifications.services import in_quiet_hours, notify
from residents.models import Organization, Resident, Role
from topics.images import MAX_PHOTOS
from voting.models import BallotReceipt
from voting.services import topic_followers

from ..models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    ActionUpdatePhoto,
    Outcome,
    OutcomeStatus,
)
from ..predicates import may_update_action_item
from ..selectors import COMMUNITY_OUTCOMES, OUTCOME_PAGES
from .common import (
    locked_outcome,
    require_text,
    same_community,
    staff_and_social_workers,
)

User = get_user_model()

# Reminders go out at this local hour, well outside quiet hours (21:00–08:00).
REMINDER_HOUR = 9
REMIND_DAYS_BEFORE = 3
WHICH = ("before", "due", "overdue")


# -- owners ---------------------------------------------------------------------


def _check_owner(outcome: Outcome, resident, user, organization) -> None:
    if sum(1 for owner in (resident, user, organization) if owner is not None) != 1:
        raise ValidationError(
            {
                "owner": _(
                    "Choose one owner: a resident, a staff member or social worker, "
                    "or an organisation."
                )
            }
        )
    same_community(outcome.community, resident, organization)
    if (
        user is not None
        and not user.memberships.filter(
            community=outcome.community, role__in=[Role.STAFF, Role.SOCIAL_WORKER]
        ).exists()
    ):
        raise ValidationError(
            {"owner": _("Choose a staff member or social worker of this community.")}
        )


def action_item_owners(item: ActionItem) -> list:
    """Who is told about an action item: the owner, or an organisation's people.

    An organisation is reached through its member residents and the social
    workers who work for it; with nobody there, the community's staff are told.
    """
    if item.owner_resident_id:
        return [item.owner_resident]
    if item.owner_user_id:
        return [item.owner_user]
    organization = item.owner_organization
    people: list = list(organization.members.all())
    people.extend(
        User.objects.filter(
            memberships__organization=organization,
            memberships__community_id=item.community_id,
            is_active=True,
        ).distinct()
    )
    return people or list(staff_and_social_workers(item.outcome.community))


# -- the outcome's state --------------------------------------------------------


def _recount(outcome: Outcome, *, by=None) -> Outcome:
    """Recount the outcome's action items and move it between its three states.

    Called with the outcome row locked. Implemented when every item is done
    (and there is at least one); in progress once any item has moved.
    """
    counts = ActionItem.objects.filter(outcome=outcome).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        moved=Count("pk", filter=~Q(status=ActionStatus.NOT_STARTED)),
    )
    total, done, moved = counts["total"], counts["done"], counts["moved"]
    if total and done == total:
        status = OutcomeStatus.IMPLEMENTED
    elif moved:
        status = OutcomeStatus.IN_PROGRESS
    else:
        status = OutcomeStatus.DECIDED
    became_implemented = (
        status == OutcomeStatus.IMPLEMENTED
        and outcome.status != OutcomeStatus.IMPLEMENTED
    )
    outcome.action_total, outcome.action_done, outcome.status = total, done, status
    fields = ["action_total", "action_done", "status", "updated_at"]
    if became_implemented:
        outcome.implemented_at = timezone.now()
        fields.append("implemented_at")
    elif status != OutcomeStatus.IMPLEMENTED and outcome.implemented_at:
        outcome.implemented_at = None
        fields.append("implemented_at")
    outcome.save(update_fields=fields)
    COMMUNITY_OUTCOMES.changed(str(outcome.community_id))
    OUTCOME_PAGES.changed(str(outcome.pk))
    if became_implemented:
        outcome_invite_ratings(outcome=outcome)
    return outcome


def rating_invitees(outcome: Outcome) -> list[Resident]:
    """Everyone who submitted, supported, commented on or voted on the topic.

    Without a topic: those who voted on the agenda item.
    """
    people = {r.pk: r for r in topic_followers(outcome.topic)}
    receipts = BallotReceipt.objects.all()
    if outcome.topic_id:
        receipts = receipts.filter(voting_round__agenda_item__topic_id=outcome.topic_id)
    else:
        receipts = receipts.filter(voting_round__agenda_item_id=outcome.agenda_item_id)
    voter_ids = set(receipts.values_list("voter_id", flat=True)) - set(people)
    for resident in Resident.objects.filter(pk__in=voter_ids):
        people[resident.pk] = resident
    return [r for r in people.values() if r.community_id == outcome.community_id]


def outcome_invite_ratings(*, outcome: Outcome) -> int:
    """Invite the topic's participants to rate the outcome, once (by key)."""
    if outcome.rating_invited_at is None:
        outcome.rating_invited_at = timezone.now()
        Outcome.objects.filter(pk=outcome.pk).update(
            rating_invited_at=outcome.rating_invited_at
        )
    sent = notify(
        recipients=rating_invitees(outcome),
        kind="outcomes_rate",
        context={"outcome": outcome, "community": outcome.community},
        dedupe_key=f"outcome:{outcome.pk}:rate",
        link=outcome.get_absolute_url() + "#rate",
        community=outcome.community,
    )
    return len(sent)


# -- action items ---------------------------------------------------------------


def _clean_due(due_on) -> date:
    if not isinstance(due_on, date):
        raise ValidationError({"due_on": _("Give a due date.")})
    return due_on


@transaction.atomic
def action_item_add(
    *,
    outcome: Outcome,
    by,
    description: str,
    due_on: date,
    owner_resident: Resident | None = None,
    owner_user=None,
    owner_organization: Organization | None = None,
) -> ActionItem:
    """Add an action item; reminders are scheduled for its due date."""
    outcome = locked_outcome(outcome)
    description = require_text(
        description, "description", _("Say what is to be done."), limit=300
    )
    _check_owner(outcome, owner_resident, owner_user, owner_organization)
    last = ActionItem.objects.filter(outcome=outcome).order_by("-position").first()
    item = ActionItem.objects.create(
        outcome=outcome,
        community=outcome.community,
        description=description,
        due_on=_clean_due(due_on),
        owner_resident=owner_resident,
        owner_user=owner_user,
        owner_organization=owner_organization,
        position=(last.position + 1) if last else 0,
        created_by=by,
    )
    _recount(outcome, by=by)
    _schedule_reminders(item)
    return item


@transaction.atomic
def action_item_change(
    *,
    item: ActionItem,
    by,
    description: str,
    due_on: date,
    owner_resident: Resident | None = None,
    owner_user=None,
    owner_organization: Organization | None = None,
) -> ActionItem:
    """Change what, who or when; a new due date re-arms its reminders."""
    outcome = locked_outcome(item.outcome)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    item.description = require_text(
        description, "description", _("Say what is to be done."), limit=300
    )
    _check_owner(outcome, owner_resident, owner_user, owner_organization)
    moved = item.due_on != _clean_due(due_on)
    item.due_on = due_on
    item.owner_resident = owner_resident
    item.owner_user = owner_user
    item.owner_organization = owner_organization
    item.save(
        update_fields=[
            "description",
            "due_on",
            "owner_resident",
            "owner_user",
            "owner_organization",
            "updated_at",
        ]
    )
    OUTCOME_PAGES.changed(str(outcome.pk))
    if moved:
        _schedule_reminders(item)
    return item


def _set_status(item: ActionItem, status: str, blocked_reason: str) -> list[str]:
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    blocked_reason = (blocked_reason or "").strip()
    if status == ActionStatus.BLOCKED and not blocked_reason:
        raise ValidationError(
            {"blocked_reason": _("Say what blocks it, so others can help.")}
        )
    item.status = status
    item.blocked_reason = blocked_reason[:300] if status == ActionStatus.BLOCKED else ""
    if status == ActionStatus.DONE:
        item.done_at = item.done_at or timezone.now()
    else:
        item.done_at = None
    return ["status", "blocked_reason", "done_at", "updated_at"]


@transaction.atomic
def action_update_post(
    *,
    item: ActionItem,
    by,
    text: str,
    status: str = "",
    blocked_reason: str = "",
    photos: Iterable = (),
) -> ActionUpdate:
    """Post progress on an action item, optionally with a new status and photos.

    The owner, staff and social workers may post. `photos` are files already
    checked and re-encoded by topics.images.prepare_photo (at most three). Marking
    the last item done implements the outcome. Locks the outcome, then the item.
    """
    outcome = locked_outcome(item.outcome)
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("owner_resident", "owner_organization", "community")
        .get(pk=item.pk)
    )
    if not may_update_action_item(by, item):
        raise ValidationError(
            _(
                "Only the owner of this action item, staff and social workers can post progress."
            )
        )
    text = require_text(text, "text", _("Say what has been done."), limit=2000)
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("Add at most %(n)d photos.") % {"n": MAX_PHOTOS}}
        )
    if status and status != item.status:
        item.save(update_fields=_set_status(item, status, blocked_reason))
    elif status == ActionStatus.BLOCKED and blocked_reason.strip():
        item.blocked_reason = blocked_reason.strip()[:300]
        item.save(update_fields=["blocked_reason", "updated_at"])
    update = ActionUpdate.objects.create(
        action_item=item, author=by, text=text, status=status or ""
    )
    ActionItem.objects.filter(pk=item.pk).update(update_count=F("update_count") + 1)
    for position, photo in enumerate(photos):
        ActionUpdatePhoto.objects.create(update=update, image=photo, position=position)
    _recount(outcome, by=by)
    return update


@transaction.atomic
def action_item_set_status(
    *, item: ActionItem, by, status: str, blocked_reason: str = ""
) -> ActionItem:
    """Change an action item's status without an update text (staff's quick change)."""
    outcome = locked_outcome(item.outcome)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if not may_update_action_item(by, item):
        raise ValidationError(
            _(
                "Only the owner of this action item, staff and social workers can post progress."
            )
        )
    item.save(update_fields=_set_status(item, status, blocked_reason))
    _recount(outcome, by=by)
    return item


# -- reminders and overdue alerts -------------------------------------------------


def _at(day: date, hour: int = REMINDER_HOUR) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def reminder_moments(due_on: date) -> dict[str, datetime]:
    """When each reminder is due: 3 days before, on the day, and the day after (overdue)."""
    return {
        "before": _at(due_on - timedelta(days=REMIND_DAYS_BEFORE)),
        "due": _at(due_on),
        "overdue": _at(due_on + timedelta(days=1)),
    }


def _schedule_reminders(item: ActionItem) -> None:
    from ..tasks import remind_action_item

    pk, due = item.pk, item.due_on
    moments = reminder_moments(due)

    def enqueue():
        now = timezone.now()
        for which, eta in moments.items():
            if eta > now:  # beyond the ETA horizon the sweep sends it
                enqueue_at(
                    remind_action_item, args=[pk, which, due.isoformat()], eta=eta
                )

    transaction.on_commit(enqueue, robust=True)


_SENT_FIELD = {
    "before": "reminded_before_for",
    "due": "reminded_due_for",
    "overdue": "overdue_alerted_for",
}


@transaction.atomic
def action_item_remind(
    *, item: ActionItem, which: str, now: datetime | None = None
) -> int:
    """Send one reminder of an action item when it is due, once per due date.

    "before" and "due" go to the owner, "overdue" to the community's staff and
    social workers. Nothing goes out in quiet hours (the sweep sends it after),
    for a done item, or outside the reminder's window (a moved due date). The
    notification's key names the item, the due date and the reminder, so a
    retried task or the sweep never tells anyone twice.
    """
    if which not in WHICH:
        raise ValueError(which)
    now = now or timezone.now()
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("outcome__community", "outcome__agenda_item", "owner_resident")
        .select_related("owner_user", "owner_organization")
        .get(pk=item.pk)
    )
    field = _SENT_FIELD[which]
    if item.is_done or getattr(item, field) == item.due_on or in_quiet_hours(now):
        return 0
    moments = reminder_moments(item.due_on)
    if now < moments[which]:
        return 0
    if which == "before" and now >= _at(item.due_on, 0):
        return 0  # the day itself has come: its own reminder says it
    if which == "due" and now >= _at(item.due_on + timedelta(days=1), 0):
        return 0  # the day has passed: staff are alerted instead
    setattr(item, field, item.due_on)
    item.save(update_fields=[field])
    outcome = item.outcome
    context = {
        "item": item,
        "outcome": outcome,
        "community": outcome.community,
        "which": which,
        "days": (item.due_on - timezone.localdate(now)).days,
    }
    if which == "overdue":
        recipients = list(staff_and_social_workers(outcome.community))
        kind = "outcomes_action_overdue"
    else:
        recipients = action_item_owners(item)
        kind = "outcomes_action_reminder"
    sent = notify(
        recipients=recipients,
        kind=kind,
        context=context,
        dedupe_key=f"action:{item.pk}:{item.due_on.isoformat()}:{which}",
        link=item.get_absolute_url(),
        community=outcome.community,
    )
    return len(sent)


def action_items_sweep(*, now: datetime | None = None) -> dict:
    """Send every reminder and overdue alert whose time has come (beat, every 10 min).

    Catches an ETA task that was lost, and reminders too far ahead to be queued.
    Does nothing in quiet hours.
    """
    now = now or timezone.now()
    counts = dict.fromkeys(WHICH, 0)
    if in_quiet_hours(now):
        return counts
    today = timezone.localdate(now)
    open_items = ActionItem.objects.open()
    candidates = {
        "before": open_items.filter(
            due_on__gt=today, due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
        ).filter(
            Q(reminded_before_for__isnull=True) | ~Q(reminded_before_for=F("due_on"))
        ),
        "due": open_items.filter(due_on=today).filter(
            Q(reminded_due_for__isnull=True) | ~Q(reminded_due_for=F("due_on"))
        ),
        "overdue": open_items.filter(due_on__lt=today).filter(
            Q(overdue_alerted_for__isnull=True) | ~Q(overdue_alerted_for=F("due_on"))
        ),
    }
    for which, items in candidates.items():
        for pk in items.values_list("pk", flat=True):
            if action_item_remind(item=ActionItem(pk=pk), which=which, now=now):
                counts[which] += 1
    return counts
