"""Celery tasks: ids in, re-fetch, call the service. Safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def deliver(delivery_id: int) -> None:
    """Send one delivery (or defer it, or schedule its next try)."""
    services.delivery_send(delivery_id=delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_deliveries() -> int:
    """Queue again deliveries whose task was lost (beat, every minute)."""
    return services.deliveries_sweep()


@shared_task(acks_late=True, ignore_result=True)
def send_daily_digests() -> int:
    """Send the daily summaries (beat, once a day)."""
    return services.digests_send()
