"""Each residents permission for every role, and the same role in another community."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

ROLES = [
    "anonymous",
    "resident_user",
    "representative",
    "staff_user",
    "social_worker",
    "district_officer",
    "other_staff_user",
]
MEMBERS = {"resident_user", "representative", "staff_user", "social_worker"}
STAFF_AND_SOCIAL_WORKERS = {"staff_user", "social_worker"}

EXPECTED = {
    "residents.view_community": MEMBERS | {"district_officer"},
    "residents.act_in_community": MEMBERS,
    "residents.view_names": MEMBERS,
    "residents.view_residents": STAFF_AND_SOCIAL_WORKERS,
    "residents.manage_residents": {"staff_user"},
    "residents.view_contact_details": {"staff_user"},
    "residents.import_residents": {"staff_user"},
    "residents.view_organizations": MEMBERS | {"district_officer"},
    "residents.manage_organizations": {"staff_user"},
}


def _user(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_by_role(request, community, permission, role):
    user = _user(request, role)
    assert user.has_perm(permission, community) is (role in EXPECTED[permission])


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_a_resident_answers_as_their_community(request, community, permission, role):
    user = _user(request, role)
    resident = ResidentFactory(community=community)
    assert user.has_perm(permission, resident) is (role in EXPECTED[permission])


def test_roles_are_read_once_for_many_checks(
    community, other_community, staff_user, django_assert_num_queries
):
    user = type(staff_user).objects.get(pk=staff_user.pk)
    with django_assert_num_queries(1):  # the memberships, for every community
        for permission in EXPECTED:
            user.has_perm(permission, community)
            user.has_perm(permission, other_community)
