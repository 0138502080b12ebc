"""Permission names for the council.

Staff manage; social workers invite stakeholders; residents see their community's
meetings; district officers read everything in their district, change nothing.
"""

import rules

from .predicates import (
    can_see_community,
    has_resident_record,
    is_community_member,
    is_community_staff,
    is_district_officer,
    is_staff_or_social_worker,
)

rules.add_perm("council.view_council", can_see_community)
rules.add_perm("council.view_meetings", can_see_community)
rules.add_perm("council.manage_council", is_community_staff)
rules.add_perm("council.manage_meetings", is_community_staff)
rules.add_perm("council.invite_stakeholders", is_staff_or_social_worker)
rules.add_perm("council.record_attendance", is_community_staff)
rules.add_perm(
    "council.view_attendance", is_staff_or_social_worker | is_district_officer
)
rules.add_perm("council.respond_invitation", is_community_member)
rules.add_perm("council.check_in_self", is_community_member & has_resident_record)
# Who sees what of a meeting before it is announced or its agenda published
# (council.selectors.meeting_visibility asks these).
rules.add_perm("council.view_draft_meetings", is_community_staff)
rules.add_perm("council.view_unpublished_agenda", is_staff_or_social_worker)
