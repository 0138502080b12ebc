"""Who may do what with outcomes, per role, and the same role in another community."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from outcomes import services
from residents.models import Resident, Role
from tests.factories import MembershipFactory, ResidentFactory, UserFactory
from tests.outcomes.factories import record_outcome

pytestmark = pytest.mark.django_db

EVERYONE = {
    "staff",
    "social_worker",
    "resident",
    "resident_without_record",
    "district_officer",
    "other_staff",
    "other_resident",
    "anonymous",
    "owner",
}
PERMISSIONS = {
    # permission: roles that have it in their own community
    "outcomes.view_outcomes": EVERYONE,
    "outcomes.record_outcome": {"staff", "social_worker"},
    "outcomes.manage_action_items": {"staff", "social_worker"},
    "outcomes.manage_pledges": {"staff", "social_worker"},
    "outcomes.pledge": {"resident", "owner"},
    "outcomes.rate": {"resident", "owner"},
    "outcomes.view_names": {"staff", "social_worker"},
    "outcomes.view_minutes": {
        "staff",
        "social_worker",
        "resident",
        "resident_without_record",
        "district_officer",
        "owner",
    },
    "outcomes.edit_minutes": {"staff", "social_worker"},
}


@pytest.fixture
def people(
    community,
    staff_user,
    social_worker,
    resident_user,
    district_officer,
    other_staff_user,
    other_community,
):
    other_resident = UserFactory()
    MembershipFactory(
        user=other_resident, community=other_community, role=Role.RESIDENT
    )
    ResidentFactory(community=other_community, user=other_resident)
    member_without_record = UserFactory()
    MembershipFactory(
        user=member_without_record, community=community, role=Role.RESIDENT
    )
    owner = UserFactory()
    MembershipFactory(user=owner, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=owner)
    return {
        "staff": staff_user,
        "social_worker": social_worker,
        "resident": resident_user,
        "district_officer": district_officer,
        "resident_without_record": member_without_record,
        "other_staff": other_staff_user,
        "other_resident": other_resident,
        "anonymous": AnonymousUser(),
        "owner": owner,
    }


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_each_role_has_exactly_its_permissions(people, community, permission):
    allowed = {
        role for role, user in people.items() if user.has_perm(permission, community)
    }
    assert allowed == PERMISSIONS[permission]


def test_progress_is_posted_by_the_owner_staff_and_social_workers(people, community):
    outcome = record_outcome(community, by=people["staff"])
    owner_resident = Resident.objects.get(community=community, user=people["owner"])
    item = services.action_item_add(
        outcome=outcome,
        by=people["staff"],
        description="每周六组织志愿者",
        due_on=timezone.localdate() + timedelta(days=7),
        owner_resident=owner_resident,
    )
    allowed = {
        role
        for role, user in people.items()
        if user.has_perm("outcomes.post_update", item)
    }
    assert allowed == {"staff", "social_worker", "owner"}


def test_an_organisation_owner_posts_through_its_members(people, community, library):
    outcome = record_outcome(community, by=people["staff"])
    item = services.action_item_add(
        outcome=outcome,
        by=people["staff"],
        description="捐赠图书",
        due_on=timezone.localdate() + timedelta(days=7),
        owner_organization=library,
    )
    assert not people["resident"].has_perm("outcomes.post_update", item)
    library.members.add(
        Resident.objects.get(community=community, user=people["resident"])
    )
    assert people["resident"].has_perm("outcomes.post_update", item)


def test_the_page_wide_check_agrees_with_the_permission(people, community, library):
    from outcomes.selectors import action_items_user_may_update

    outcome = record_outcome(community, by=people["staff"])
    owner_resident = Resident.objects.get(community=community, user=people["owner"])
    library.members.add(
        Resident.objects.get(community=community, user=people["resident"])
    )
    items = [
        services.action_item_add(
            outcome=outcome,
            by=people["staff"],
            description=f"事项{n}",
            due_on=timezone.localdate() + timedelta(days=7),
            **owner,
        )
        for n, owner in enumerate(
            [
                {"owner_resident": owner_resident},
                {"owner_organization": library},
                {"owner_user": people["social_worker"]},
            ]
        )
    ]
    for role, user in people.items():
        expected = {i.pk for i in items if user.has_perm("outcomes.post_update", i)}
        got = action_items_user_may_update(user=user, community=community, items=items)
        assert got == expected, role
