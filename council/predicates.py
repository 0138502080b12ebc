"""Predicates about the council, taking (user, community) like residents.predicates."""

import rules

from residents.predicates import (
    can_see_community,
    is_community_member,
    is_community_staff,
    is_district_officer,
    is_staff_or_social_worker,
)
from residents.selectors import resident_for_user

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
    """The user is registered as a resident of the community (read once per request)."""
    return resident_for_user(user=user, community=community) is not None
