"""Each notifications permission for every role, and the same role in another community."""

import pytest
from django.contrib.auth.models import AnonymousUser

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
EXPECTED = {
    "notifications.view_deliveries": {"staff_user"},
    "notifications.retry_deliveries": {"staff_user"},
    "notifications.manage_resident_preferences": {"staff_user"},
    "notifications.print_notice_board": {"staff_user", "social_worker"},
}


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_by_role(request, community, permission, role):
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    assert user.has_perm(permission, community) is (role in EXPECTED[permission])
