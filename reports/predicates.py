"""Who may read the figures and take data out."""

import rules

from residents.models import Role
from residents.predicates import (
    is_community_staff,
    is_district_officer,
    is_social_worker,
)
from residents.selectors import memberships_of

is_staff_or_social_worker = is_community_staff | is_social_worker

__all__ = [
    "is_community_staff",
    "is_district_officer",
    "is_staff_or_social_worker",
    "is_officer_of_district",
]


@rules.predicate
def is_officer_of_district(user, district):
    """The user is a district officer of this district (from the memberships
    every page reads with the login: no query)."""
    if user is None or not user.is_authenticated or district is None:
        return False
    memberships, _in_districts = memberships_of(user)
    return any(
        m.role == Role.DISTRICT_OFFICER and m.district_id == district.pk
        for m in memberships
    )
