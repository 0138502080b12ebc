"""Predicates about one topic, taking (user, obj) like residents.predicates."""

import rules

from residents.predicates import community_id_of
from residents.selectors import resident_for_user

from .models import Topic


@rules.predicate
def is_submitter(user, obj):
    """The user is the resident who submitted the topic (or it was recorded for)."""
    if not isinstance(obj, Topic):
        return False
    resident = resident_for_user(user=user, community=community_id_of(obj))
    return resident is not None and obj.submitter_id == resident.pk


@rules.predicate
def topic_is_editable(user, obj):
    return isinstance(obj, Topic) and obj.is_editable


@rules.predicate
def topic_is_withdrawable(user, obj):
    return isinstance(obj, Topic) and obj.is_withdrawable
