"""Celery tasks for topic collection: thin wrappers over services."""

from celery import shared_task

from .models import CollectionWindow
from .services import collection_window_close, collection_windows_sweep


@shared_task(acks_late=True)
def close_collection_window(window_id: int) -> bool:
    """Close one window at its deadline (ETA task); a no-op if done or moved later."""
    window = CollectionWindow.objects.filter(pk=window_id).first()
    if window is None or window.closed_at is not None:
        return False
    return collection_window_close(window=window)


@shared_task(acks_late=True)
def sweep_collection_windows() -> dict:
    """Every minute: close windows past their deadline, send 2-day reminders."""
    return collection_windows_sweep()
