"""Permission names for outcomes, pledges, action items, ratings and minutes.

Outcomes are public (the public outcomes page needs no login) when the council's
public page settings say so (Council.public_results, on by default), else only for
those who may see the community; staff and social
workers record them and run the follow-up; residents pledge and rate as
themselves; the owner of an action item posts its progress; everyone who may see
the community reads the minutes.
"""

import rules

from .predicates import (
    can_see_community,
    council_shows_outcomes,
    is_staff_or_social_worker,
    may_pledge,
    may_rate,
    may_update_action_item,
)

rules.add_perm("outcomes.view_outcomes", can_see_community | council_shows_outcomes)
rules.add_perm("outcomes.record_outcome", is_staff_or_social_worker)
rules.add_perm("outcomes.manage_action_items", is_staff_or_social_worker)
rules.add_perm("outcomes.manage_pledges", is_staff_or_social_worker)
rules.add_perm("outcomes.pledge", may_pledge)
rules.add_perm("outcomes.rate", may_rate)
rules.add_perm("outcomes.view_names", is_staff_or_social_worker)
rules.add_perm("outcomes.view_minutes", can_see_community)
rules.add_perm("outcomes.edit_minutes", is_staff_or_social_worker)
# Object permission: pass the ActionItem.
rules.add_perm("outcomes.post_update", may_update_action_item)
