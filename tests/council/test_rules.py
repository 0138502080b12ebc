"""Each council permission for every role, and the same role in another community.

Permissions asked of the community, then those asked of one meeting (in each state
that changes the answer) or one invitation.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from council import services
from council.models import MeetingStatus
from tests.factories import OrganizationFactory, ResidentFactory

from .factories import in_progress, schedule

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
READERS = MEMBERS | {"district_officer"}
STAFF_AND_SOCIAL_WORKERS = {"staff_user", "social_worker"}

EXPECTED = {
    "council.view_council": READERS,
    "council.view_meetings": READERS,
    "council.manage_council": {"staff_user"},
    "council.manage_meetings": {"staff_user"},
    "council.invite_stakeholders": STAFF_AND_SOCIAL_WORKERS,
    "council.record_attendance": {"staff_user"},
    "council.view_attendance": STAFF_AND_SOCIAL_WORKERS,
}
# (permission, meeting state) -> who has it, asked of that meeting.
EXPECTED_FOR_MEETING = {
    ("council.view_meeting", "draft"): {"staff_user"},
    ("council.view_meeting", "collecting"): READERS,
    ("council.view_agenda", "draft"): {"staff_user"},
    ("council.view_agenda", "collecting"): STAFF_AND_SOCIAL_WORKERS,
    ("council.view_agenda", "in_progress"): READERS,
    # Staff and social workers of the fixtures have no resident record.
    ("council.check_in", "in_progress"): RESIDENTS,
    ("council.check_in", "draft"): set(),
    ("council.manage_meetings", "collecting"): {"staff_user"},
    ("council.view_attendance", "in_progress"): STAFF_AND_SOCIAL_WORKERS,
}


def _user(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


def _meeting(community, state):
    """A meeting in `state` (draft, collecting or in_progress), with one item."""
    meeting = schedule(community, by=None, draft=state == "draft")
    if state == "in_progress":
        meeting = in_progress(meeting)
    else:
        services.agenda_item_create(meeting=meeting, by=None, title="路灯")
    assert meeting.status == state
    return meeting


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_by_role(request, community, permission, role):
    user = _user(request, role)
    assert user.has_perm(permission, community) is (role in EXPECTED[permission])


@pytest.mark.parametrize(("permission", "state"), sorted(EXPECTED_FOR_MEETING))
@pytest.mark.parametrize("role", ROLES)
def test_meeting_permission_by_role(request, community, permission, state, role):
    user = _user(request, role)
    meeting = _meeting(community, state)
    expected = role in EXPECTED_FOR_MEETING[(permission, state)]
    assert user.has_perm(permission, meeting) is expected
    # Something of the meeting answers as the meeting does.
    assert user.has_perm(permission, meeting.agenda_items.get()) is expected


@pytest.fixture
def item(community):
    return _meeting(community, MeetingStatus.COLLECTING).agenda_items.get()


@pytest.mark.parametrize("invited", ["resident", "organization", "someone_else"])
@pytest.mark.parametrize("role", ROLES)
def test_respond_invitation_by_role(
    request, community, resident_user, item, invited, role
):
    resident = resident_user.resident_records.get()
    if invited == "resident":
        kwargs = {"resident": resident}
    elif invited == "organization":
        organization = OrganizationFactory(community=community)
        organization.members.add(resident)
        kwargs = {"organization": organization}
    else:
        kwargs = {"resident": ResidentFactory(community=community)}
    invitation = services.invitation_create(
        agenda_item=item, by=None, reason="住在旁边", **kwargs
    )
    expected = STAFF_AND_SOCIAL_WORKERS | (
        {"resident_user"} if invited != "someone_else" else set()
    )
    user = _user(request, role)
    assert user.has_perm("council.respond_invitation", invitation) is (role in expected)


def test_a_meeting_page_of_checks_reads_roles_record_and_organisations_once(
    community, resident_user, item, django_assert_num_queries
):
    organization = OrganizationFactory(community=community)
    organization.members.add(resident_user.resident_records.get())
    items = [item] + [
        services.agenda_item_create(meeting=item.meeting, by=None, title=f"事项{n}")
        for n in range(2)
    ]
    invitations = [
        services.invitation_create(
            agenda_item=each, by=None, reason="物业", organization=organization
        )
        for each in items
    ]
    invitations = list(
        type(invitations[0])
        .objects.select_related("meeting")
        .filter(pk__in=[i.pk for i in invitations])
    )
    user = type(resident_user).objects.get(pk=resident_user.pk)
    with django_assert_num_queries(3):  # roles, resident record, organisations
        for invitation in invitations:
            assert user.has_perm("council.respond_invitation", invitation)
            assert user.has_perm("council.view_agenda", invitation.meeting) is False
