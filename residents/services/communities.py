"""Communities, and the setup the apps above residents register for each one."""

from collections.abc import Callable

from django.db import transaction

from ..models import (
    Community,
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
