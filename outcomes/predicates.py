"""Predicates about outcomes, taking (user, community) like residents.predicates.

Object predicates take (user, obj) and check the role in the object's community.
"""

import rules

from council.predicates import has_resident_record
from council.selectors import public_council
from residents.predicates import (
    can_see_community,
    is_community_member,
    is_community_staff,
    is_district_officer,
    is_resident,
    is_staff_or_social_worker,
)

__all__ = [
    "can_see_community",
    "council_shows_outcomes",
    "is_community_staff",
    "is_district_officer",
    "is_staff_or_social_worker",
    "may_pledge",
    "may_rate",
    "may_update_action_item",
    "is_action_item_owner",
]

_PUBLIC_COUNCIL_ATTR = "_outcomes_public_council"


def shows_outcomes_publicly(community) -> bool:
    """The council's public page settings show outcomes to anyone (public_results).

    Read once per community object (one request loads its own).
    """
    council = getattr(community, _PUBLIC_COUNCIL_ATTR, None)
    if council is None:
        council = public_council(community=community)
        setattr(community, _PUBLIC_COUNCIL_ATTR, council)
    return council.public_results


@rules.predicate
def council_shows_outcomes(user, community) -> bool:
    return community is not None and shows_outcomes_publicly(community)


# A resident of the community with a resident record pledges and rates as themself.
may_pledge = is_resident & has_resident_record
may_rate = is_resident & has_resident_record


@rules.predicate
def is_action_item_owner(user, item) -> bool:
    """The owner of the action item: the person, or someone of the organisation."""
    if user is None or not user.is_authenticated or item is None:
        return False
    if item.owner_user_id:
        return item.owner_user_id == user.pk
    if item.owner_resident_id:
        return item.owner_resident.user_id == user.pk
    organization = item.owner_organization
    if organization is None:
        return False
    return (
        organization.members.filter(user=user).exists()
        or user.memberships.filter(
            organization=organization, community_id=item.community_id
        ).exists()
    )


@rules.predicate
def is_staff_or_social_worker_of_item(user, item) -> bool:
    return item is not None and is_staff_or_social_worker(user, item.community)


@rules.predicate
def is_member_of_item_community(user, item) -> bool:
    return item is not None and is_community_member(user, item.community)


may_update_action_item = is_staff_or_social_worker_of_item | (
    is_member_of_item_community & is_action_item_owner
)
