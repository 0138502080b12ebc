"""Role predicates: who may do what in a community.

Every predicate takes (user, community). The roles of a user in a community are
read once per request and kept on the user object, so a page that checks several
permissions asks the database once.
"""

import rules
from django.utils.functional import SimpleLazyObject, empty

from .models import Membership, Role

_CACHE_ATTR = "_yishihui_roles_by_community"
_MEMBERSHIPS_ATTR = "_yishihui_memberships"


def _unwrapped(user):
    """The user itself, not request.user's lazy wrapper (their __dict__ differ)."""
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def memberships_of(user) -> list:
    """The user's memberships with their communities, read once per user object.

    One query serves the roles in every community (roles_in) and the navigation's
    list of the user's communities (selectors.communities_for_user).
    """
    user = _unwrapped(user)
    if _MEMBERSHIPS_ATTR not in user.__dict__:
        user.__dict__[_MEMBERSHIPS_ATTR] = list(
            Membership.objects.filter(user=user).select_related("community")
        )
    return user.__dict__[_MEMBERSHIPS_ATTR]


def roles_in(user, community) -> frozenset[str]:
    """Return the roles `user` holds in `community` (district officer included)."""
    if user is None or not user.is_authenticated or community is None:
        return frozenset()
    user = _unwrapped(user)
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if community.pk not in cache:
        cache[community.pk] = frozenset(
            membership.role
            for membership in memberships_of(user)
            if membership.community_id == community.pk
            or (
                membership.role == Role.DISTRICT_OFFICER
                and membership.district_id is not None
                and membership.district_id == community.district_id
            )
        )
    return cache[community.pk]


def forget_roles(user) -> None:
    """Drop the cached roles (after a membership changes)."""
    user = _unwrapped(user)
    user.__dict__.pop(_CACHE_ATTR, None)
    user.__dict__.pop(_MEMBERSHIPS_ATTR, None)


@rules.predicate
def is_resident(user, community):
    return Role.RESIDENT in roles_in(user, community)


@rules.predicate
def is_community_staff(user, community):
    return Role.STAFF in roles_in(user, community)


@rules.predicate
def is_social_worker(user, community):
    return Role.SOCIAL_WORKER in roles_in(user, community)


@rules.predicate
def is_district_officer(user, community):
    return Role.DISTRICT_OFFICER in roles_in(user, community)


@rules.predicate
def is_community_member(user, community):
    """Any role that works inside the community (not the district's read-only view)."""
    return bool(roles_in(user, community) - {Role.DISTRICT_OFFICER})


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
