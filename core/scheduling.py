"""Enqueue a Celery task at a moment, within the broker's safe horizon."""

from django.conf import settings
from django.utils import timezone


def enqueue_at(task, *, args: list, eta) -> bool:
    """Enqueue `task` to run at `eta`, unless `eta` lies beyond the ETA horizon.

    Redis hands an unacknowledged message to another worker once the visibility
    timeout has passed, so an ETA further away than that would run more than once
    and sit in a worker's memory for days. Beyond the horizon nothing is enqueued:
    every caller has a periodic sweep that does the work when it falls due.
    Returns whether the task was enqueued.
    """
    if (eta - timezone.now()).total_seconds() > settings.CELERY_ETA_HORIZON_SECONDS:
        return False
    task.apply_async(args=args, eta=eta)
    return True
