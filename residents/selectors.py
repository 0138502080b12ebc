"""Read queries for community, resident and organisation pages."""

from django.db.models import Count, Q, QuerySet
from django.utils.functional import SimpleLazyObject

from .models import (
    Community,
    Membership,
    Organization,
    OrganizationKind,
    Resident,
    Role,
)


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
        .annotate(member_count=Count("members"))
        .order_by("kind", "name")
    )
    grouped: dict[str, list[Organization]] = {
        kind: [] for kind in OrganizationKind.values
    }
    for organization in organizations:
        grouped[organization.kind].append(organization)
    return [(OrganizationKind(kind).label, items) for kind, items in grouped.items()]


def resident_list(*, community: Community, query: str = "", tag: str = "") -> QuerySet:
    residents = Resident.objects.filter(community=community).search(query)
    if tag in {"is_elderly_alone", "is_left_behind_child", "has_disability"}:
        residents = residents.filter(**{tag: True})
    return residents.order_by("name", "pk")
