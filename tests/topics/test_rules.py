"""Each topics permission for every role, and the same role in another community."""

import pytest
from django.contrib.auth.models import AnonymousUser

pytestmark = pytest.mark.django_db

ROLES = [
    "resident_user",
    "staff_user",
    "social_worker",
    "district_officer",
    "other_staff_user",
    "anonymous",
]
EXPECTED = {
    "topics.view_topics": {
        "resident_user",
        "staff_user",
        "social_worker",
        "district_officer",
    },
    "topics.submit_topic": {"resident_user"},
    "topics.record_topic": {"staff_user", "social_worker"},
    "topics.endorse_topic": {"resident_user"},
    "topics.comment_topic": {"resident_user", "staff_user", "social_worker"},
    "topics.moderate_comments": {"staff_user", "social_worker"},
    "topics.triage_topics": {"staff_user", "social_worker"},
    "topics.record_consultation": {"staff_user", "social_worker"},
    "topics.invite_consulted": {"staff_user"},
}


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_by_role(request, community, permission, role):
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    assert user.has_perm(permission, community) is (role in EXPECTED[permission])
