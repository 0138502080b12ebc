"""Predicates about the council, taking (user, community) like residents.predicates."""

import rules

from residents.predicates import (
    can_see_community,
    is_community_member,
    is_community_staff,
    is_district_officer,
    is_staff_or_social_worker,
)

__all__ = [
    "can_see_community",
    "is_community_member",
    "is_community_staff",
    "is_district_officer",
    "is_staff_or_social_worker",
    "has_resident_record",
]


@rules.predicate
def has_resident_record(user, community):
    """The user is registered as a resident of the community (cached per request)."""
    if user is None or not user.is_authenticated or community is None:
        return False
    cache = user.__dict__.setdefault("_council_resident_by_community", {})
    if community.pk not in cache:
        from residents.models import Resident

        cache[community.pk] = Resident.objects.filter(
            community=community, user=user
        ).first()
    return cache[community.pk] is not None


def resident_for(user, community):
    """Return the user's Resident record in the community, or None (cached)."""
    has_resident_record(user, community)
    return user.__dict__.get("_council_resident_by_community", {}).get(community.pk)
