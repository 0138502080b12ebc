"""Permission names for communities, residents and organisations."""

import rules

from .predicates import (
    can_see_community,
    is_community_member,
    is_community_staff,
    is_district_officer,
    is_staff_or_social_worker,
)

rules.add_perm("residents.view_community", can_see_community)
rules.add_perm("residents.act_in_community", is_community_member)
rules.add_perm("residents.view_residents", is_staff_or_social_worker)
# Counts of elderly living alone, left-behind children, disabled residents.
rules.add_perm(
    "residents.view_resident_counts", is_staff_or_social_worker | is_district_officer
)
rules.add_perm("residents.manage_residents", is_community_staff)
rules.add_perm("residents.see_contact_details", is_community_staff)
rules.add_perm("residents.import_residents", is_community_staff)
rules.add_perm("residents.view_organizations", can_see_community)
rules.add_perm("residents.manage_organizations", is_community_staff)
