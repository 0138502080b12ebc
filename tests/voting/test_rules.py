"""Who may do what with votes, per role, and the same role in another community."""

import pytest
from django.contrib.auth.models import AnonymousUser

from residents.models import Role
from tests.factories import MembershipFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db

PERMISSIONS = {
    # permission: roles that have it in their own community
    "voting.view_rounds": {
        "staff",
        "social_worker",
        "resident",
        "resident_without_record",
        "district_officer",
    },
    "voting.cast_ballot": {"resident"},
    "voting.manage_rounds": {"staff"},
    "voting.record_proxy": {"staff"},
    "voting.view_proxies": {"staff"},
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
    return {
        "staff": staff_user,
        "social_worker": social_worker,
        "resident": resident_user,
        "district_officer": district_officer,
        "resident_without_record": member_without_record,
        "other_staff": other_staff_user,
        "other_resident": other_resident,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_each_role_has_exactly_its_permissions(people, community, permission):
    allowed = PERMISSIONS[permission]
    for role, user in people.items():
        expected = role in allowed
        assert user.has_perm(permission, community) is expected, (role, permission)


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_nobody_from_another_community_has_any_permission_here(
    people, community, permission
):
    for role in ("other_staff", "other_resident"):
        assert not people[role].has_perm(permission, community)


def test_a_draft_round_is_seen_only_by_those_who_prepare_votes(
    people, community, staff_user
):
    from tests.voting.factories import council_in_session, make_round

    meeting, _seats = council_in_session(community, by=staff_user)
    draft = make_round(meeting, by=staff_user, open_it=False)
    opened = make_round(meeting, by=staff_user)
    sees_open = PERMISSIONS["voting.view_rounds"]
    for role, user in people.items():
        assert user.has_perm("voting.view_round", opened) is (role in sees_open), role
        assert user.has_perm("voting.view_round", draft) is (role == "staff"), role
