"""Background work for residents: thin wrappers over services."""

from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from .models import Community, ResidentImport
from .services import community_stats_refresh, resident_import_run


@shared_task(acks_late=True)
def run_resident_import(resident_import_id: int) -> None:
    resident_import = ResidentImport.objects.filter(pk=resident_import_id).first()
    if resident_import is None or not resident_import.is_running:
        return  # rolled back, cancelled or already done
    resident_import_run(resident_import=resident_import)


@shared_task(acks_late=True)
def refresh_community_stats(community_id: int) -> None:
    """Recount one community's residents (queued after writes to a large one)."""
    cache.delete(f"community-stats-queued:{community_id}")
    if Community.objects.filter(pk=community_id).exists():
        community_stats_refresh(community_id=community_id)


@shared_task
def refresh_stale_community_stats(max_age_minutes: int = 60) -> int:
    """Recount communities whose counts are older than `max_age_minutes` (or none).

    The hourly net under the recounts after writes: what changed residents
    outside the services (the admin, a script) is right within the hour.
    """
    since = timezone.now() - timedelta(minutes=max_age_minutes)
    ids = list(
        Community.objects.filter(
            Q(stats__isnull=True) | Q(stats__refreshed_at__lt=since)
        ).values_list("pk", flat=True)
    )
    for community_id in ids:
        community_stats_refresh(community_id=community_id)
    return len(ids)
