"""Permission names for the council.

Staff manage; social workers invite stakeholders; residents see their community's
meetings once announced, and the agenda once published; district officers read the
same aggregates, change nothing and see no one's attendance.

Permissions ending in a single object (`view_meeting`, `view_agenda`, `check_in`,
`respond_invitation`) are asked of that meeting or invitation; the others of the
community (or of anything in it). council.selectors.meeting_visibility and
meetings_visible_to ask these too, so a page and a list agree.
"""

import rules

from .predicates import (
    agenda_is_public,
    can_see_community,
    has_resident_record,
    is_community_member,
    is_community_staff,
    is_invitee,
    is_staff_or_social_worker,
    meeting_is_announced,
)

# Drafts only for staff; an unpublished agenda only for staff and social workers.
can_view_meeting = can_see_community & (meeting_is_announced | is_community_staff)

rules.add_perm("council.view_council", can_see_community)
rules.add_perm("council.view_meetings", can_see_community)
rules.add_perm("council.view_draft_meetings", is_community_staff)
rules.add_perm("council.view_meeting", can_view_meeting)
rules.add_perm(
    "council.view_agenda",
    can_view_meeting & (agenda_is_public | is_staff_or_social_worker),
)
rules.add_perm("council.manage_council", is_community_staff)
rules.add_perm("council.manage_meetings", is_community_staff)
rules.add_perm("council.invite_stakeholders", is_staff_or_social_worker)
rules.add_perm("council.record_attendance", is_community_staff)
rules.add_perm("council.view_attendance", is_staff_or_social_worker)
rules.add_perm(
    "council.check_in", can_view_meeting & is_community_member & has_resident_record
)
rules.add_perm(
    "council.respond_invitation",
    can_view_meeting & (is_invitee | is_staff_or_social_worker),
)
