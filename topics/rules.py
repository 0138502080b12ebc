"""Permission names for topics, deliberation, review and consultation.

`act_for_topic`, `change_topic` and `withdraw_topic` are asked of one topic; the
others of the community (or of anything in it).
"""

import rules

from residents.predicates import (
    can_see_community,
    has_resident_record,
    is_community_member,
    is_community_staff,
    is_resident,
    is_staff_or_social_worker,
)

from .predicates import is_submitter, topic_is_editable, topic_is_withdrawable

# The submitter, or staff and social workers acting for them.
act_for_topic = is_submitter | is_staff_or_social_worker

rules.add_perm("topics.view_topics", can_see_community)
rules.add_perm("topics.submit_topic", is_resident)
rules.add_perm("topics.record_topic", is_staff_or_social_worker)
rules.add_perm("topics.act_for_topic", act_for_topic)
rules.add_perm("topics.change_topic", act_for_topic & topic_is_editable)
rules.add_perm("topics.withdraw_topic", act_for_topic & topic_is_withdrawable)
rules.add_perm("topics.endorse_topic", is_resident & has_resident_record)
rules.add_perm("topics.view_comments", is_community_member)
rules.add_perm("topics.comment_topic", is_community_member)
rules.add_perm("topics.moderate_comments", is_staff_or_social_worker)
rules.add_perm("topics.triage_topics", is_staff_or_social_worker)
rules.add_perm("topics.record_consultation", is_staff_or_social_worker)
# Who was consulted, their position one by one and the private notes; everyone
# else who sees the topic sees the counts by position and the proposed directions.
rules.add_perm("topics.view_consultation_notes", is_staff_or_social_worker)
rules.add_perm("topics.invite_consulted", is_community_staff)
