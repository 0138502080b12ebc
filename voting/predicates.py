"""Predicates about voting, taking (user, community) like residents.predicates."""

from council.predicates import has_resident_record
from residents.predicates import (
    can_see_community,
    is_community_member,
    is_community_staff,
)

__all__ = ["can_see_community", "is_community_staff", "may_vote"]

# A member of the community with a resident record; the electorate is checked by
# ballot_cast, as it is fixed per round.
may_vote = is_community_member & has_resident_record
