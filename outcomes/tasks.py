"""Celery tasks for outcomes: thin wrappers over services, taking ids."""

from celery import shared_task

from .models import ActionItem, MinutesVersion
from .services import (
    action_item_remind,
    action_items_sweep,
    minutes_pdf_build,
    minutes_pdf_request,
    minutes_tell,
    minutes_without_pdf,
)


@shared_task(acks_late=True)
def remind_action_item(item_id: int, which: str, due_on: str) -> int:
    """Send one reminder queued for a due date; skip if the date has since moved."""
    item = ActionItem.objects.filter(pk=item_id).only("pk", "due_on").first()
    if item is None or item.due_on.isoformat() != due_on:
        return 0  # deleted, or moved: the new date has its own tasks
    return action_item_remind(item=item, which=which)


@shared_task(acks_late=True)
def sweep_action_items() -> dict:
    """Send reminders and overdue alerts an ETA task missed (beat, every 10 min)."""
    return action_items_sweep()


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def build_minutes_pdf(version_id: int) -> bool:
    """Build the PDF of one version of the minutes (idempotent: once per content)."""
    version = MinutesVersion.objects.filter(pk=version_id).first()
    if version is None:
        return False
    try:
        return minutes_pdf_build(version=version)
    except Exception as exc:
        # Kept for staff to see; the sweep asks again in a few minutes.
        MinutesVersion.objects.filter(pk=version_id).update(
            pdf_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        raise


@shared_task(acks_late=True)
def tell_minutes(version_id: int) -> int:
    """Tell residents and representatives that a version is published (once each)."""
    version = MinutesVersion.objects.filter(pk=version_id).first()
    if version is None:
        return 0
    return minutes_tell(version=version)


@shared_task(acks_late=True)
def sweep_minutes_pdfs() -> int:
    """Ask again for PDFs whose task was lost (beat, every 5 minutes)."""
    asked = 0
    for pk in minutes_without_pdf():
        asked += minutes_pdf_request(version=MinutesVersion.objects.get(pk=pk))
    return asked
