"""Permission names for topics, deliberation, review and consultation."""

import rules

from residents.predicates import (
    can_see_community,
    is_community_member,
    is_community_staff,
    is_resident,
    is_staff_or_social_worker,
)

rules.add_perm("topics.view_topics", can_see_community)
rules.add_perm("topics.submit_topic", is_resident)
rules.add_perm("topics.record_topic", is_staff_or_social_worker)
rules.add_perm("topics.endorse_topic", is_resident)
rules.add_perm("topics.comment_topic", is_community_member)
rules.add_perm("topics.moderate_comments", is_staff_or_social_worker)
rules.add_perm("topics.triage_topics", is_staff_or_social_worker)
rules.add_perm("topics.record_consultation", is_staff_or_social_worker)
rules.add_perm("topics.invite_consulted", is_community_staff)
