"""Predicates about voting, taking (user, community) like residents.predicates."""

import rules

from council.predicates import has_resident_record
from residents.predicates import (
    can_see_community,
    is_community_member,
    is_community_staff,
)

from .models import RoundStatus

__all__ = [
    "can_see_community",
    "is_community_staff",
    "is_not_a_draft",
    "may_vote",
]

# A member of the community with a resident record; the electorate is checked by
# ballot_cast, as it is fixed per round.
may_vote = is_community_member & has_resident_record


@rules.predicate
def is_not_a_draft(user, voting_round) -> bool:
    """A round that has been opened (or closed); a draft is only for its preparers."""
    return getattr(voting_round, "status", None) != RoundStatus.DRAFT
