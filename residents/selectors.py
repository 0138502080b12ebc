"""Read queries for community, resident and organisation pages."""

from django.db.models import Count, Q, QuerySet
from django.utils.functional import SimpleLazyObject

from .models import (
    Community,
    Membership,
    Organization,
    OrganizationKind,
    Resident,
    ResidentImport,
    Role,
)

RESIDENT_TAGS = ("is_elderly_alone", "is_left_behind_child", "has_disability")


def communities_for_user(user):
    """Communities the user can open, lazily (only queried when a template asks)."""

    def load():
        district_ids = Membership.objects.filter(
            user=user, role=Role.DISTRICT_OFFICER
        ).values("district_id")
        return list(
            Community.objects.filter(
                Q(memberships__user=user) | Q(district_id__in=district_ids)
            )
            .distinct()
            .order_by("name")
        )

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


def community_summary(*, community: Community) -> dict:
    """Counts shown on the community home page (one query each, whatever the size)."""
    resident_counts = Resident.objects.filter(community=community).aggregate(
        total=Count("pk"),
        with_login=Count("pk", filter=Q(user__isnull=False)),
        elderly_alone=Count("pk", filter=Q(is_elderly_alone=True)),
        left_behind_children=Count("pk", filter=Q(is_left_behind_child=True)),
        with_disability=Count("pk", filter=Q(has_disability=True)),
        households=Count("household", distinct=True, filter=~Q(household="")),
    )
    return {"residents": resident_counts}


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


def _building_order(building: str):
    digits = "".join(ch for ch in building if ch.isdigit())
    return (int(digits) if digits else float("inf"), building)


def resident_buildings(*, community: Community) -> list[str]:
    """The buildings residents are registered in, 1, 2 ... 10 (not 1, 10, 2)."""
    buildings = (
        Resident.objects.filter(community=community)
        .exclude(building="")
        .values_list("building", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(buildings, key=_building_order)


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
