"""What of a meeting each role sees: drafts only for staff, an unpublished agenda
only for staff and social workers, on every page (council.selectors)."""

import pytest
from django.urls import reverse

from council import services
from council.models import MeetingStatus
from council.selectors import meeting_visibility, meetings_visible_to
from tests.council.factories import publish, schedule

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"council:{name}", args=args)


@pytest.fixture
def draft(community, staff_user, seated):
    meeting = schedule(community, by=staff_user, draft=True, title="内部草稿会议")
    services.agenda_item_create(meeting=meeting, by=staff_user, title="草稿事项")
    return meeting


@pytest.fixture
def unpublished(community, staff_user, seated):
    """A meeting collecting topics, with an agenda item not yet published."""
    meeting = schedule(community, by=staff_user, title="十一月议事会")
    services.agenda_item_create(meeting=meeting, by=staff_user, title="未公开的事项")
    return meeting


@pytest.fixture
def roles(staff_user, social_worker, resident_user, district_officer):
    return {
        "staff": staff_user,
        "social_worker": social_worker,
        "resident": resident_user,
        "district_officer": district_officer,
    }


# -- drafts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff", 200), ("social_worker", 404), ("district_officer", 404)],
)
def test_draft_check_in_list_only_for_staff(
    login, community, draft, roles, role, expected
):
    response = login(roles[role]).get(url("attendance", community.slug, draft.pk))
    assert response.status_code == expected
    if expected == 404:
        assert "内部草稿会议" not in response.content.decode()


@pytest.mark.parametrize(("role", "expected"), [("staff", 200), ("social_worker", 404)])
def test_draft_topic_review_only_for_staff(
    login, community, draft, roles, role, expected
):
    response = login(roles[role]).get(url("triage", community.slug, draft.pk))
    assert response.status_code == expected


@pytest.mark.parametrize(
    "name", ["meeting", "meeting_print", "meeting_ics", "quorum", "attendance"]
)
@pytest.mark.parametrize("role", ["social_worker", "resident", "district_officer"])
def test_draft_is_404_for_everyone_but_staff(
    login, community, draft, roles, name, role
):
    response = login(roles[role]).get(url(name, community.slug, draft.pk))
    assert response.status_code in (403, 404)
    assert "内部草稿会议" not in response.content.decode()


def test_draft_list_and_selector_per_role(community, draft, unpublished, roles):
    for role, user in roles.items():
        visible = set(meetings_visible_to(user=user, community=community))
        seen = meeting_visibility(meeting=draft, user=user)
        if role == "staff":
            assert visible == {draft, unpublished}
            assert seen.meeting and seen.agenda
        else:
            assert visible == {unpublished}, role
            assert not seen.meeting and not seen.agenda, role


def test_another_communitys_staff_sees_nothing(community, other_staff_user, draft):
    assert not meetings_visible_to(user=other_staff_user, community=community).exists()
    assert not meeting_visibility(meeting=draft, user=other_staff_user).meeting


# -- an agenda not published yet -------------------------------------------------

WHO_SEES_AN_UNPUBLISHED_AGENDA = [
    ("staff", True),
    ("social_worker", True),
    ("resident", False),
    ("district_officer", False),
]


@pytest.mark.parametrize(("role", "sees"), WHO_SEES_AN_UNPUBLISHED_AGENDA)
def test_print_notice_shows_an_unpublished_agenda_only_to_staff_and_social_workers(
    login, community, unpublished, roles, role, sees
):
    response = login(roles[role]).get(
        url("meeting_print", community.slug, unpublished.pk)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert ("未公开的事项" in page) is sees
    if not sees:
        assert "议程将在议题征集后发布" in page


@pytest.mark.parametrize(("role", "sees"), WHO_SEES_AN_UNPUBLISHED_AGENDA)
def test_meeting_page_and_item_page_follow_the_same_rule(
    login, community, unpublished, roles, role, sees
):
    client = login(roles[role])
    page = client.get(url("meeting", community.slug, unpublished.pk)).content.decode()
    assert ("未公开的事项" in page) is sees
    item = unpublished.agenda_items.get()
    response = client.get(url("agenda_item", community.slug, unpublished.pk, item.pk))
    assert response.status_code == (200 if sees else 404)


def test_published_agenda_is_for_everyone_who_sees_the_meeting(
    login, community, staff_user, unpublished, roles
):
    publish(unpublished, by=staff_user, items=0)
    for role, user in roles.items():
        page = (
            login(user)
            .get(url("meeting_print", community.slug, unpublished.pk))
            .content.decode()
        )
        assert "未公开的事项" in page, role


def test_cancelled_before_publishing_keeps_its_agenda_private(
    login, community, staff_user, resident_user, unpublished
):
    services.meeting_cancel(meeting=unpublished, by=staff_user)
    unpublished.refresh_from_db()
    assert unpublished.status == MeetingStatus.CANCELLED
    assert not unpublished.agenda_is_public
    page = (
        login(resident_user)
        .get(url("meeting_print", community.slug, unpublished.pk))
        .content.decode()
    )
    assert "本次会议已取消" in page and "未公开的事项" not in page
