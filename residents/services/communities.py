"""Communities, and the setup the apps above residents register for each one."""

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ..models import (
    Community,
    CommunityStats,
    Resident,
)
from ..selectors import (
    COMMUNITY_RESIDENTS,
    HOME_PEOPLE,
    building_sort_key,
    community_stats,
)

# What the apps above residents keep for each community (the council, for one):
# they register a function here in their AppConfig.ready(), since residents
# imports nothing above it.
_COMMUNITY_SETUP: list[Callable] = []


def on_community_created(setup: Callable) -> None:
    """Register `setup(community=...)` to run for every community created."""
    if setup not in _COMMUNITY_SETUP:
        _COMMUNITY_SETUP.append(setup)


@transaction.atomic
def community_create(**fields) -> Community:
    """Create a community with what every app keeps for it (its council ...)."""
    community = Community(**fields)
    community.full_clean()
    community.save()
    community_setup(community=community)
    return community


@transaction.atomic
def community_setup(*, community: Community) -> None:
    """Run the registered setup for a community just saved (by the admin, say).

    Each setup is idempotent, so running it again changes nothing.
    """
    for setup in _COMMUNITY_SETUP:
        setup(community=community)


# -- kept counts -------------------------------------------------------------

# A community up to this many residents is recounted right after a write (a few
# milliseconds); a larger one by a task, at most once per STATS_TASK_DELAY.
STATS_SYNC_LIMIT = 20_000
STATS_TASK_DELAY = 30  # seconds


def community_stats_refresh(*, community_id: int) -> CommunityStats:
    """Recount the community's residents and keep the counts (two queries)."""
    residents = Resident.objects.filter(community_id=community_id)
    counts = residents.aggregate(
        residents=Count("pk"),
        with_login=Count("pk", filter=Q(user__isnull=False)),
        elderly_alone=Count("pk", filter=Q(is_elderly_alone=True)),
        left_behind_children=Count("pk", filter=Q(is_left_behind_child=True)),
        with_disability=Count("pk", filter=Q(has_disability=True)),
        households=Count("household", distinct=True, filter=~Q(household="")),
    )
    buildings = (
        residents.exclude(building="")
        .values_list("building", flat=True)
        .distinct()
        .order_by()
    )
    stats, _created = CommunityStats.objects.update_or_create(
        community_id=community_id,
        defaults={
            **counts,
            "buildings": sorted(buildings, key=building_sort_key),
            "refreshed_at": timezone.now(),
        },
    )
    HOME_PEOPLE.changed(str(community_id))
    COMMUNITY_RESIDENTS.changed(str(community_id))
    return stats


def community_stats_kept(*, community) -> CommunityStats:
    """The kept resident counts; counted once now if the community has none yet."""
    return community_stats(community=community) or community_stats_refresh(
        community_id=community.pk
    )


def community_stats_changed(*, community_id: int) -> None:
    """Recount the community's residents once this transaction commits.

    At once for a small community, so its pages stay exact; by a task a little
    later for a large one (several writes in a row make one recount).
    """
    COMMUNITY_RESIDENTS.changed(str(community_id))  # the list: at once
    transaction.on_commit(lambda: _recount(community_id))


def _recount(community_id: int) -> None:
    size = (
        CommunityStats.objects.filter(community_id=community_id)
        .values_list("residents", flat=True)
        .first()
    )
    if size is None or size <= STATS_SYNC_LIMIT:
        community_stats_refresh(community_id=community_id)
        return
    if cache.add(f"community-stats-queued:{community_id}", 1, STATS_TASK_DELAY + 60):
        from ..tasks import refresh_community_stats

        refresh_community_stats.apply_async(
            args=[community_id], countdown=STATS_TASK_DELAY
        )
