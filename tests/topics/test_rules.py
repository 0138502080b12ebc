"""Each topics permission for every role, and the same role in another community.

Permissions asked of the community, then those asked of one topic.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from topics.models import TopicStatus

from .factories import TopicFactory

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
RESIDENTS = {"resident_user", "representative"}
MEMBERS = RESIDENTS | {"staff_user", "social_worker"}
STAFF_AND_SOCIAL_WORKERS = {"staff_user", "social_worker"}

EXPECTED = {
    "topics.view_topics": MEMBERS | {"district_officer"},
    "topics.submit_topic": RESIDENTS,
    "topics.record_topic": STAFF_AND_SOCIAL_WORKERS,
    "topics.endorse_topic": RESIDENTS,
    "topics.view_comments": MEMBERS,
    "topics.comment_topic": MEMBERS,
    "topics.moderate_comments": STAFF_AND_SOCIAL_WORKERS,
    "topics.triage_topics": STAFF_AND_SOCIAL_WORKERS,
    "topics.record_consultation": STAFF_AND_SOCIAL_WORKERS,
    "topics.view_consultation_notes": STAFF_AND_SOCIAL_WORKERS,
    "topics.invite_consulted": {"staff_user"},
}
# Of a topic resident_user submitted, still waiting for review.
EXPECTED_FOR_OWN_TOPIC = {
    "topics.view_topics": MEMBERS | {"district_officer"},
    "topics.act_for_topic": {"resident_user"} | STAFF_AND_SOCIAL_WORKERS,
    "topics.change_topic": {"resident_user"} | STAFF_AND_SOCIAL_WORKERS,
    "topics.withdraw_topic": {"resident_user"} | STAFF_AND_SOCIAL_WORKERS,
    "topics.view_comments": MEMBERS,
}


def _user(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_by_role(request, community, permission, role):
    user = _user(request, role)
    assert user.has_perm(permission, community) is (role in EXPECTED[permission])


@pytest.fixture
def own_topic(community, resident_user):
    return TopicFactory(
        community=community, submitter=resident_user.resident_records.get()
    )


@pytest.mark.parametrize("permission", sorted(EXPECTED_FOR_OWN_TOPIC))
@pytest.mark.parametrize("role", ROLES)
def test_topic_permission_by_role(request, own_topic, permission, role):
    user = _user(request, role)
    expected = role in EXPECTED_FOR_OWN_TOPIC[permission]
    assert user.has_perm(permission, own_topic) is expected


def test_no_one_edits_a_topic_once_review_started(own_topic, resident_user, staff_user):
    own_topic.status = TopicStatus.IN_TRIAGE
    for user in (resident_user, staff_user):
        assert not user.has_perm("topics.change_topic", own_topic)
        assert user.has_perm("topics.withdraw_topic", own_topic)
        assert user.has_perm("topics.act_for_topic", own_topic)


def test_a_page_of_topics_reads_the_roles_once(
    community, resident_user, own_topic, django_assert_num_queries
):
    topics = [own_topic, *TopicFactory.create_batch(3, community=community)]
    user = type(resident_user).objects.get(pk=resident_user.pk)
    with django_assert_num_queries(2):  # the roles, the resident record
        for topic in topics:
            user.has_perm("topics.change_topic", topic)
            user.has_perm("topics.view_comments", topic)
            user.has_perm("residents.view_names", topic)
