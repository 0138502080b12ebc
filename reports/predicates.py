"""Who may read the figures and take data out."""

import rules

from residents.models import Membership, Role
from residents.predicates import (
    is_community_staff,
    is_district_officer,
    is_social_worker,
)

is_staff_or_social_worker = is_community_staff | is_social_worker

__all__ = [
    "is_community_staff",
    "is_district_officer",
    "is_staff_or_social_worker",
    "is_officer_of_district",
]

_CACHE_ATTR = "_yishihui_officer_districts"


@rules.predicate
def is_officer_of_district(user, district):
    """The user is a district officer of this district (read once per request)."""
    if user is None or not user.is_authenticated or district is None:
        return False
    if _CACHE_ATTR not in user.__dict__:
        user.__dict__[_CACHE_ATTR] = frozenset(
            Membership.objects.filter(
                user=user, role=Role.DISTRICT_OFFICER
            ).values_list("district_id", flat=True)
        )
    return district.pk in user.__dict__[_CACHE_ATTR]
