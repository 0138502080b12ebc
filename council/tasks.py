"""Celery tasks for the council: thin wrappers over services."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from .models import Meeting
from .services import meeting_remind, meeting_reminders_sweep


@shared_task(acks_late=True)
def send_meeting_reminder(meeting_id: int, which: str, starts_at: str) -> int:
    """Send a reminder scheduled for one start time; skip if the meeting moved."""
    meeting = Meeting.objects.filter(pk=meeting_id).only("pk", "starts_at").first()
    if meeting is None or meeting.starts_at != parse_datetime(starts_at):
        return 0  # deleted, or rescheduled: the new time has its own tasks
    return meeting_remind(meeting=meeting, which=which)


@shared_task(acks_late=True)
def sweep_meeting_reminders() -> int:
    """Send reminders whose ETA task was lost (worker down, broker flushed)."""
    return meeting_reminders_sweep()
