"""Predicates about the council, taking (user, obj) like residents.predicates.

obj is the community, or a meeting or something of a meeting (an agenda item, an
invitation): the role predicates find its community, the meeting predicates its
meeting, without a query.
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
    resident_for,
)

from .models import Invitation, Meeting, MeetingStatus

__all__ = [
    "agenda_is_published",
    "can_see_community",
    "has_resident_record",
    "is_community_member",
    "is_community_staff",
    "is_district_officer",
    "is_invitee",
    "is_staff_or_social_worker",
    "meeting_is_announced",
    "organization_ids_for",
    "resident_for",
]

_ORGS_CACHE = "_yishihui_organizations_by_community"
PUBLISHED_AGENDA_STATUSES = (
    MeetingStatus.AGENDA_PUBLISHED,
    MeetingStatus.IN_PROGRESS,
    MeetingStatus.CONCLUDED,
)


def _meeting_of(obj) -> Meeting | None:
    if isinstance(obj, Meeting):
        return obj
    if hasattr(obj, "meeting_id"):
        return obj.meeting
    return None


def organization_ids_for(user, obj) -> frozenset[int]:
    """Ids of the organisations the user's resident record belongs to (cached)."""
    resident = resident_for(user, obj)
    if resident is None:
        return frozenset()
    cache = user.__dict__.setdefault(_ORGS_CACHE, {})
    community_id = community_id_of(obj)
    if community_id not in cache:
        cache[community_id] = frozenset(
            resident.organizations.values_list("pk", flat=True)
        )
    return cache[community_id]


@rules.predicate
def meeting_is_announced(user, obj):
    """The meeting is no longer a draft only staff see."""
    meeting = _meeting_of(obj)
    return meeting is not None and meeting.status != MeetingStatus.DRAFT


@rules.predicate
def agenda_is_published(user, obj):
    meeting = _meeting_of(obj)
    return meeting is not None and meeting.status in PUBLISHED_AGENDA_STATUSES


@rules.predicate
def is_invitee(user, obj):
    """The user is the invited resident, or a member of the invited organisation."""
    if not isinstance(obj, Invitation):
        return False
    resident = resident_for(user, obj)
    if resident is None:
        return False
    if obj.resident_id:
        return obj.resident_id == resident.pk
    return (
        obj.organization_id is not None
        and obj.organization_id in organization_ids_for(user, obj)
    )
