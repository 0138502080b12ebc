"""Read queries for community, resident and organisation pages."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from core.fragments import SharedFragments
from core.prepared import PreparedQuery

from .mobile import normalize_mobile
from .models import (
    CodeStatus,
    Community,
    CommunityStats,
    LoginLink,
    Membership,
    MobileChange,
    Organization,
    OrganizationKind,
    Resident,
    ResidentImport,
    Role,
)

RESIDENT_TAGS = ("is_elderly_alone", "is_left_behind_child", "has_disability")
_RESIDENT_CACHE_ATTR = "_yishihui_resident_by_community"


def resident_for_user(
    *, user, community, select_related: tuple[str, ...] = ()
) -> Resident | None:
    """The user's Resident record in the community, or None.

    `community` is a Community or its id. Read once per user object and community
    (one request, since each request loads its own user) and kept on the user,
    like the roles in residents.predicates, whose predicates ask this too. A
    member's record in their communities comes with the session's login
    (login_with_memberships). `select_related` names relations to load with it;
    it counts only on a read here.
    """
    community_id = (
        community if isinstance(community, int) else getattr(community, "pk", None)
    )
    if user is None or not user.is_authenticated or community_id is None:
        return None
    cache = unwrapped_user(user).__dict__.setdefault(_RESIDENT_CACHE_ATTR, {})
    if community_id not in cache:
        cache[community_id] = (
            Resident.objects.filter(community_id=community_id, user=user)
            .select_related(*select_related)
            .first()
        )
    return cache[community_id]


def forget_resident_for_user(user) -> None:
    """Drop the resident records kept on the user (after a record or login changes)."""
    unwrapped_user(user).__dict__.pop(_RESIDENT_CACHE_ATTR, None)


_MEMBERSHIPS_ATTR = "_yishihui_memberships"
_READ_WITH_LOGIN_ATTR = "_yishihui_memberships_read_with_login"


# Relations of a member's own Resident record that pages of the apps above read
# on most requests (the topics' reminder toggle): registered in their AppConfig,
# so the login's query loads them with the record.
_RESIDENT_RELATIONS: list[str] = []


def read_with_own_resident(*relations: str) -> None:
    """Load these relations of the member's own record with the session's login."""
    for relation in relations:
        if relation not in _RESIDENT_RELATIONS:
            _RESIDENT_RELATIONS.append(relation)
    _login_query.forget()


def _memberships_with_login(user_id) -> QuerySet:
    return (
        Membership.objects.filter(user_id=user_id)
        .annotate(
            own_resident=FilteredRelation(
                "community__residents",
                condition=Q(community__residents__user_id=F("user_id")),
            )
        )
        .select_related(
            "user",
            "community__district",
            "district",
            "own_resident",
            *(f"own_resident__{relation}" for relation in _RESIDENT_RELATIONS),
        )
    )


# Every page of a member runs it: Django builds its SQL (eight joins) once.
_login_query = PreparedQuery(_memberships_with_login, samples=(-2_147_483_000,))


def login_with_memberships(user_id) -> object | None:
    """The login of `user_id`, its memberships and its own Resident record in each
    of their communities, in one query; None when the login has no membership
    (then it is read on its own).

    Every page of a member reads the login and the memberships (roles, the
    navigation), and most pages of a community the member's own record (their
    topics, endorsement, ballot, pledge): the session's login comes this way
    (residents.backends), and memberships_of and resident_for_user then need no
    query of their own.
    """
    memberships = _login_query(int(user_id))
    if not memberships:
        return None
    user = memberships[0].user
    own_records = user.__dict__.setdefault(_RESIDENT_CACHE_ATTR, {})
    for membership in memberships:
        membership.user = user
        if membership.community_id is not None:
            # Not set at all when the login has no record there.
            resident = getattr(membership, "own_resident", None)
            if resident is not None:
                resident.user = user
            own_records[membership.community_id] = resident
    user.__dict__[_READ_WITH_LOGIN_ATTR] = memberships
    return user


def unwrapped_user(user):
    """The user itself, not request.user's lazy wrapper (their __dict__ differ)."""
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def memberships_of(user) -> tuple[list[Membership], list[Community]]:
    """The user's memberships with their communities, and the communities of the
    districts they are an officer of; read once per user object.

    One query (two for a district officer) serves the roles in every community
    (residents.predicates.roles_in) and the navigation's list of communities.
    """
    user = unwrapped_user(user)
    if _MEMBERSHIPS_ATTR not in user.__dict__:
        memberships = user.__dict__.pop(_READ_WITH_LOGIN_ATTR, None)
        if memberships is None:
            memberships = list(
                Membership.objects.filter(user=user).select_related(
                    "community__district", "district"
                )
            )
        district_ids = {
            m.district_id
            for m in memberships
            if m.role == Role.DISTRICT_OFFICER and m.district_id
        }
        in_districts = (
            list(
                Community.objects.filter(district_id__in=district_ids).select_related(
                    "district"
                )
            )
            if district_ids
            else []
        )
        user.__dict__[_MEMBERSHIPS_ATTR] = (memberships, in_districts)
    return user.__dict__[_MEMBERSHIPS_ATTR]


def district_of_officer(*, user, pk) -> object | None:
    """The district `pk` when `user` is one of its officers (from the memberships:
    no query), else None."""
    if user is None or not user.is_authenticated:
        return None
    memberships, _in_districts = memberships_of(user)
    for m in memberships:
        if m.role == Role.DISTRICT_OFFICER and str(m.district_id) == str(pk):
            return m.district
    return None


def community_by_slug(*, slug: str, user=None) -> Community:
    """The community of a URL, with its district; raises Http404 for an unknown one.

    A member's (or their district officer's) communities come with the memberships
    that every page reads for the roles: taken from there, a page asks the database
    once less. Anyone else's is read.
    """
    if user is not None and user.is_authenticated:
        memberships, in_districts = memberships_of(user)
        for community in (*(m.community for m in memberships), *in_districts):
            if community is not None and community.slug == slug:
                return community
    return get_object_or_404(Community.objects.select_related("district"), slug=slug)


def forget_memberships(user) -> None:
    unwrapped_user(user).__dict__.pop(_MEMBERSHIPS_ATTR, None)
    unwrapped_user(user).__dict__.pop(_READ_WITH_LOGIN_ATTR, None)


def communities_for_user(user):
    """Communities the user can open, lazily (only queried when a template asks).

    From the memberships roles_in reads anyway; a district officer's district
    adds one query for its communities.
    """

    def load():
        memberships, in_districts = memberships_of(user)
        communities = {
            m.community_id: m.community for m in memberships if m.community_id
        }
        for community in in_districts:
            communities.setdefault(community.pk, community)
        return sorted(communities.values(), key=lambda c: (c.name, c.pk))

    return SimpleLazyObject(load)


def community_directory(*, query: str = "") -> QuerySet:
    """Every community, by name, for the landing page and the administrator."""
    communities = Community.objects.select_related("district").order_by("name", "pk")
    query = (query or "").strip()
    if query:
        communities = communities.filter(
            Q(name__icontains=query) | Q(region_path__icontains=query)
        )
    return communities


def community_stats(*, community: Community) -> CommunityStats | None:
    """The community's kept resident counts (one row, no counting), or None yet."""
    return CommunityStats.objects.filter(community_id=community.pk).first()


def community_summary(*, stats: CommunityStats) -> dict:
    """Counts shown on the community home page, from the kept counts."""
    return {
        "residents": {
            "total": stats.residents,
            "with_login": stats.with_login,
            "elderly_alone": stats.elderly_alone,
            "left_behind_children": stats.left_behind_children,
            "with_disability": stats.with_disability,
            "households": stats.households,
        },
        "refreshed_at": stats.refreshed_at,
    }


# The home page's five-society section is the same for everyone in a community
# (per language): kept rendered until the organisation services (or the admin)
# change the community's organisations or their members.
HOME_ORGANIZATIONS = SharedFragments("home-organizations", timeout=10 * 60)
# The residents list's first pages (everyone, or one tag) are kept rendered per
# community and viewer until a resident's record changes: every write to records
# says so through services.community_stats_changed, and the recount through
# community_stats_refresh. What no service announces (an admin edit) shows within
# the timeout.
COMMUNITY_RESIDENTS = SharedFragments("community-residents", timeout=10 * 60)
# The home page's counts of the people registered (for staff): kept rendered until
# the counts are recounted (services.community_stats_refresh).
HOME_PEOPLE = SharedFragments("home-people", timeout=10 * 60)


def organizations_by_kind(
    *, community: Community
) -> list[tuple[str, list[Organization]]]:
    """The community's organisations grouped under the five kinds, with member counts."""
    organizations = (
        Organization.objects.filter(community=community)
        .select_related("community")
        .annotate(member_count=Count("members"))
        .order_by("kind", "name")
    )
    grouped: dict[str, list[Organization]] = {
        kind: [] for kind in OrganizationKind.values
    }
    for organization in organizations:
        grouped[organization.kind].append(organization)
    return [(OrganizationKind(kind).label, items) for kind, items in grouped.items()]


def resident_list(
    *,
    community: Community,
    query: str = "",
    tag: str = "",
    building: str = "",
    by_mobile: bool = True,
) -> QuerySet:
    """The community's residents in pinyin order of their names (as in a register)."""
    residents = Resident.objects.filter(community=community).search(
        query, by_mobile=by_mobile
    )
    if tag in RESIDENT_TAGS:
        residents = residents.filter(**{tag: True})
    if building:
        residents = residents.filter(building=building)
    return residents.order_by("name_pinyin", "pk")


def building_sort_key(building: str):
    """1, 2 … 10 (not 1, 10, 2); names without a number last."""
    digits = "".join(ch for ch in building if ch.isdigit())
    return (int(digits) if digits else float("inf"), building)


def resident_buildings(*, stats: CommunityStats) -> list[str]:
    """The buildings residents are registered in, 1, 2 ... 10 (from the kept counts)."""
    return list(stats.buildings)


def _name_and_number(text: str) -> tuple[str, str]:
    """Split "王秀英 13800001234" into the name and the mobile number typed after it."""
    text = unicodedata.normalize("NFKC", text)
    number = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    name = "".join(ch for ch in text if not (ch.isdigit() or ch == "+")).strip(" -")
    try:
        mobile = normalize_mobile(number) if number else ""
    except ValidationError:
        mobile = ""
    return name, mobile


def resident_by_name_or_mobile(
    *, community: Community, text: str, by_mobile: bool = True
) -> Resident:
    """The one resident of the community with this mobile number or exact name.

    Text that reads as a mobile number (residents.mobile.normalize_mobile) is
    looked up as one; anything else as a full name. Raises ValidationError with
    what to type instead when nobody or several people match.

    Without `by_mobile` (anyone but the community's staff, who alone see full
    numbers) a number alone finds no one, as it would tell whose number it is:
    the full name followed by the number does, and the people a name matches are
    shown with masked addresses and numbers.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            _("Write the resident's mobile number or full name."), code="required"
        )
    try:
        mobile = normalize_mobile(text)
    except ValidationError:
        mobile = ""
    residents = Resident.objects.filter(community=community)
    if not by_mobile:
        name, typed_mobile = _name_and_number(text)
        if mobile or (typed_mobile and not name):
            raise ValidationError(
                _(
                    "Only community staff can find a resident by mobile number "
                    "alone: write the full name as well."
                ),
                code="mobile_only",
            )
        if typed_mobile:
            matches = list(residents.filter(name=name, mobile=typed_mobile)[:2])
        else:
            matches = list(residents.filter(name=text).order_by("pk")[:6])
    elif mobile:
        matches = list(residents.filter(mobile=mobile)[:2])
    else:
        matches = list(residents.filter(name=text).order_by("pk")[:6])
    if not matches:
        raise ValidationError(
            _("No resident of this community is called or has the number %(text)s."),
            code="not_found",
            params={"text": text},
        )
    if len(matches) > 1 and not by_mobile:
        raise ValidationError(
            _(
                "Several residents are called “%(text)s” (%(where)s): "
                "add their mobile number after the name."
            ),
            code="ambiguous",
            params={
                "text": text,
                "where": "、".join(
                    " ".join(p for p in (m.masked_address, m.masked_mobile) if p) or "?"
                    for m in matches
                ),
            },
        )
    if len(matches) > 1:
        raise ValidationError(
            _(
                "Several residents are called “%(text)s” (%(where)s): "
                "use the mobile number instead."
            ),
            code="ambiguous",
            params={
                "text": text,
                "where": "、".join(
                    m.address or m.masked_mobile or "?" for m in matches
                ),
            },
        )
    return matches[0]


def resident_for_page(*, community: Community, pk: int) -> Resident:
    """One resident of the community with the organisations it belongs to."""
    return (
        Resident.objects.filter(community=community)
        .select_related("user", "community")
        .prefetch_related("organizations")
        .get(pk=pk)
    )


def household_members(*, resident: Resident, limit: int = 10) -> list[Resident]:
    """Other residents registered in the same household, for staff."""
    if not resident.household:
        return []
    return list(
        Resident.objects.filter(
            community_id=resident.community_id, household=resident.household
        )
        .exclude(pk=resident.pk)
        .order_by("birth_year", "name", "pk")[:limit]
    )


def organization_for_page(*, community: Community, pk: int) -> Organization:
    return (
        Organization.objects.filter(community=community)
        .select_related("community")
        .annotate(member_count=Count("members"))
        .get(pk=pk)
    )


def organization_members(*, organization: Organization) -> QuerySet:
    return organization.members.order_by("name", "pk")


def organization_social_workers(*, organization: Organization) -> QuerySet:
    """Social workers whose membership names this organisation (their agency)."""
    return (
        Membership.objects.filter(organization=organization, role=Role.SOCIAL_WORKER)
        .select_related("user")
        .order_by("user__display_name", "pk")
    )


def resident_search_for_organization(
    *, organization: Organization, query: str, limit: int = 10
) -> list[Resident]:
    """Residents of the organisation's community matching `query`, not yet members."""
    if not (query or "").strip():
        return []
    return list(
        Resident.objects.filter(community_id=organization.community_id)
        .search(query)
        .exclude(organizations=organization)
        .order_by("name", "pk")[:limit]
    )


def resident_imports_for_community(*, community: Community) -> QuerySet:
    return (
        ResidentImport.objects.filter(community=community)
        .select_related("created_by")
        .defer("rows", "report", "preview", "columns")
    )


def memberships_for_user(*, user) -> QuerySet:
    return (
        Membership.objects.filter(user=user)
        .select_related("community", "district", "organization")
        .order_by("community__name", "district__name", "role")
    )


def resident_records_for_user(*, user) -> QuerySet:
    return Resident.objects.filter(user=user).select_related("community")


# What staff see of a resident's login. A login given but never used and a login
# waiting for its owner's confirmation look the same, so staff cannot tell whether
# the number has a login in another community.
LOGIN_NONE = "none"
LOGIN_WAITING = "waiting"
LOGIN_ACTIVE = "active"


def with_pending_login_link(residents: QuerySet) -> QuerySet:
    """Annotate has_pending_login_link, which resident_login_state reads."""
    return residents.annotate(
        has_pending_login_link=Exists(
            LoginLink.objects.filter(resident=OuterRef("pk"), status=CodeStatus.PENDING)
        )
    )


def resident_login_state(*, resident: Resident) -> str:
    """LOGIN_NONE, LOGIN_WAITING (not yet used or confirmed) or LOGIN_ACTIVE."""
    if resident.user_id is not None:
        return LOGIN_WAITING if resident.user.last_login is None else LOGIN_ACTIVE
    pending = getattr(resident, "has_pending_login_link", None)
    if pending is None:
        pending = LoginLink.objects.filter(
            resident=resident, status=CodeStatus.PENDING
        ).exists()
    return LOGIN_WAITING if pending else LOGIN_NONE


def login_links_waiting_for(*, user) -> list[LoginLink]:
    """Resident records offered to `user`'s login that still wait for the code."""
    if not user.mobile:
        return []
    return list(
        LoginLink.objects.open()
        .filter(user=user, mobile=user.mobile)
        .select_related("resident__community")
        .order_by("created_at", "pk")
    )


def mobile_change_waiting(*, user) -> MobileChange | None:
    """The person's newest request for a new number, while its code still works."""
    return (
        MobileChange.objects.filter(
            user=user, status=CodeStatus.PENDING, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-pk")
        .first()
    )
