"""Permission names for communities, residents and organisations.

District officers see a community's aggregates (counts, statuses, published agendas
and decisions), never who did what: `residents.view_names` is what the pages of
every app ask before they show a resident's name.
"""

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
# Names of residents and what each did: submitters, commenters, invitees, seats.
rules.add_perm("residents.view_names", is_community_member)
rules.add_perm("residents.view_residents", is_staff_or_social_worker)
# Counts of elderly living alone, left-behind children, disabled residents.
rules.add_perm(
    "residents.view_resident_counts", is_staff_or_social_worker | is_district_officer
)
rules.add_perm("residents.manage_residents", is_community_staff)
# Full mobile numbers and addresses, and finding a resident by mobile number.
rules.add_perm("residents.view_contact_details", is_community_staff)
rules.add_perm("residents.import_residents", is_community_staff)
rules.add_perm("residents.view_organizations", can_see_community)
rules.add_perm("residents.manage_organizations", is_community_staff)
