"""Role predicates: who may do what in a community.

Every predicate takes (user, obj), where obj is a Community or anything that
belongs to one: a row with a `community` (a topic, a meeting, a resident), or with
a `meeting`, `topic` or `council` that has one (an agenda item, an invitation, a
comment, a seat). So
one permission can be asked of the community (lists, navigation) or of one object
(`topics.change_topic` of this topic).

The roles of a user in a community, and their resident record there
(residents.selectors.resident_for_user), are read once per request and kept on
the user object, so a page that checks many permissions, or
the same one for every row, asks the database once.
"""

import rules

from .models import Community, Role
from .selectors import (
    forget_memberships,
    forget_resident_for_user,
    memberships_of,
    resident_for_user,
    unwrapped_user,
)

_ROLES_CACHE = "_yishihui_roles_by_community"
_PARENTS = ("meeting", "topic", "agenda_item", "comment", "council")


def community_id_of(obj) -> int | None:
    """The id of the community `obj` belongs to (no query for most objects)."""
    if obj is None:
        return None
    if isinstance(obj, Community):
        return obj.pk
    community_id = getattr(obj, "community_id", None)
    if community_id is not None:
        return community_id
    for parent in _PARENTS:
        if hasattr(obj, f"{parent}_id"):
            return community_id_of(getattr(obj, parent, None))
    return None


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def roles_in(user, obj) -> frozenset[str]:
    """Return the roles `user` holds in the community of `obj` (district officer too)."""
    community_id = community_id_of(obj)
    if not _signed_in(user) or community_id is None:
        return frozenset()
    user = unwrapped_user(user)
    cache = user.__dict__.setdefault(_ROLES_CACHE, {})
    if community_id not in cache:
        memberships, in_districts = memberships_of(user)
        officer_here = any(c.pk == community_id for c in in_districts)
        cache[community_id] = frozenset(
            m.role
            for m in memberships
            if m.community_id == community_id
            or (m.role == Role.DISTRICT_OFFICER and officer_here)
        )
    return cache[community_id]


def viewer_key(user, obj) -> tuple:
    """What decides `user`'s role-based permissions in the community of `obj`.

    Two users with the same key see a community's pages alike, except where a page
    asks about their own records (`has_resident_record`, their topics): a fragment
    kept per key must not show those.
    """
    return (tuple(sorted(roles_in(user, obj))), bool(user and user.is_superuser))


def forget_roles(user) -> None:
    """Drop the cached roles and resident records (after a membership changes)."""
    unwrapped_user(user).__dict__.pop(_ROLES_CACHE, None)
    forget_memberships(user)
    forget_resident_for_user(user)


@rules.predicate
def is_resident(user, obj):
    return Role.RESIDENT in roles_in(user, obj)


@rules.predicate
def is_community_staff(user, obj):
    return Role.STAFF in roles_in(user, obj)


@rules.predicate
def is_social_worker(user, obj):
    return Role.SOCIAL_WORKER in roles_in(user, obj)


@rules.predicate
def is_district_officer(user, obj):
    return Role.DISTRICT_OFFICER in roles_in(user, obj)


@rules.predicate
def is_community_member(user, obj):
    """Any role that works inside the community (not the district's read-only view)."""
    return bool(roles_in(user, obj) - {Role.DISTRICT_OFFICER})


@rules.predicate
def has_resident_record(user, obj):
    """The user is registered as a resident of the community (cached per request)."""
    return resident_for_user(user=user, community=community_id_of(obj)) is not None


is_staff_or_social_worker = is_community_staff | is_social_worker
can_see_community = is_community_member | is_district_officer


def login_is_community_only(login, community) -> bool:
    """True when `login` is only ever a resident of `community`.

    That is: not an admin, every role it holds is a resident's role in
    `community`, and every resident record it opens is in `community`. Staff may
    give a one-time code for a login (create it, reset its password, move it to a
    new number) only then; anything else would let them into something outside
    their community: another community's record and inbox, or a colleague's role.
    """
    if login is None or community is None:
        return False
    if login.is_superuser or login.is_staff:
        return False
    if login.memberships.exclude(
        community_id=community.pk, role=Role.RESIDENT
    ).exists():
        return False
    return not login.resident_records.exclude(community_id=community.pk).exists()
