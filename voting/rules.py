"""Permission names for voting.

Everyone who may see the community sees its votes and their results; a member with
a resident record casts their own ballot (the service checks the electorate);
community staff prepare and open votes and record ballots by proxy.
"""

import rules

from .predicates import can_see_community, is_community_staff, is_not_a_draft, may_vote

rules.add_perm("voting.view_rounds", can_see_community)
# One round (its page, its ballot form): drafts only for those who prepare votes.
rules.add_perm(
    "voting.view_round", can_see_community & (is_not_a_draft | is_community_staff)
)
rules.add_perm("voting.cast_ballot", may_vote)
rules.add_perm("voting.manage_rounds", is_community_staff)
rules.add_perm("voting.record_proxy", is_community_staff)
rules.add_perm("voting.view_proxies", is_community_staff)
