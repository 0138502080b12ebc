"""Predicates about the council, taking (user, obj) like residents.predicates.

obj is the community, or a meeting or something of a meeting (an agenda item, an
invitation): the role predicates find its community, the meeting predicates its
meeting, without a query. What a meeting allows is asked of the meeting itself
(`Meeting.is_draft`, `Meeting.agenda_is_public`), never of its status string.
"""

import rules

from residents.predicates import (
    can_see_community,
    community_id_of,
    has_resident_record,
    is_community_member,
    is_community_staff,
    is_district_officer,
    is_staff_or_social_worker,
)
from residents.selectors import resident_for_user

from .models import Invitation, Meeting

__all__ = [
    "agenda_is_public",
    "can_see_community",
    "has_resident_record",
    "is_community_member",
    "is_community_staff",
    "is_district_officer",
    "is_invitee",
    "is_staff_or_social_worker",
    "meeting_is_announced",
    "organization_ids_for",
]

_ORGS_CACHE = "_yishihui_organizations_by_community"


def _meeting_of(obj) -> Meeting | None:
    if isinstance(obj, Meeting):
        return obj
    if hasattr(obj, "meeting_id"):
        return obj.meeting
    return None


def organization_ids_for(user, obj) -> frozenset[int]:
    """Ids of the organisations the user's resident record belongs to (cached)."""
    community_id = community_id_of(obj)
    resident = resident_for_user(user=user, community=community_id)
    if resident is None:
        return frozenset()
    cache = user.__dict__.setdefault(_ORGS_CACHE, {})
    if community_id not in cache:
        cache[community_id] = frozenset(
            resident.organizations.values_list("pk", flat=True)
        )
    return cache[community_id]


@rules.predicate
def meeting_is_announced(user, obj):
    """The meeting is no longer a draft only staff see."""
    meeting = _meeting_of(obj)
    return meeting is not None and not meeting.is_draft


@rules.predicate
def agenda_is_public(user, obj):
    """Everyone who sees the meeting may read its agenda (Meeting.agenda_is_public)."""
    meeting = _meeting_of(obj)
    return meeting is not None and meeting.agenda_is_public


@rules.predicate
def is_invitee(user, obj):
    """The user is the invited resident, or a member of the invited organisation."""
    if not isinstance(obj, Invitation):
        return False
    resident = resident_for_user(user=user, community=community_id_of(obj))
    if resident is None:
        return False
    if obj.resident_id:
        return obj.resident_id == resident.pk
    return (
        obj.organization_id is not None
        and obj.organization_id in organization_ids_for(user, obj)
    )
