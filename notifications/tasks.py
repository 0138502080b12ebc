"""Celery tasks: ids in, re-fetch, call the service. Safe to run twice."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger("notifications")


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def deliver(delivery_id: int) -> None:
    """Send one delivery (or defer it, or schedule its next try)."""
    services.delivery_send(delivery_id=delivery_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=900, time_limit=960)
def deliver_batch(delivery_ids: list[int]) -> None:
    """Send several deliveries, each in its own transaction."""
    for delivery_id in delivery_ids:
        try:
            services.delivery_send(delivery_id=delivery_id)
        except Exception:  # noqa: BLE001 - one broken row must not stop the rest
            logger.exception("delivery %s failed unexpectedly", delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_deliveries() -> int:
    """Queue again deliveries whose task was lost (beat, every minute)."""
    return services.deliveries_sweep()


@shared_task(acks_late=True, ignore_result=True)
def send_daily_digests() -> int:
    """Send the daily summaries (beat, once a day)."""
    return services.digests_send()
