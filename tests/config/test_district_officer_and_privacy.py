"""Who sees whom: consultation notes stay with staff and social workers, and the
district officer sees aggregates only (README, "Who sees what").

District officers see counts, statuses, published agendas and decisions; never a
resident's name, who submitted or commented, what was said in a comment, a
consultation note or who attended.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from council import services as council_services
from council.models import AttendanceStatus
from tests.council.factories import schedule, seat_council
from tests.factories import OrganizationFactory, ResidentFactory
from tests.topics.factories import TopicFactory
from topics import services as topic_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

NOTE = "私下反映与邻居有矛盾"
DIRECTION = "白天施工，晚上停工"
CONSULTED = "余丽芳"
SUBMITTER = "黄阿婆"
COMMENTER = "郑代表"
COMMENT = "晚上太黑，我每天都在那里摔跤"
INVITEE = "蔡老师"
SEATED = "林秀英"


@pytest.fixture
def story(community, staff_user, representative):
    """A meeting in progress: an agenda item from a topic, consulted, with an
    invitee, a comment and a seated representative who checked in."""
    _council, seats = seat_council(community, by=staff_user)
    seat = seats[0]
    seat.resident.name = SEATED
    seat.resident.save(update_fields=["name"])
    meeting = schedule(community, by=staff_user, title="十一月议事会")
    submitter = ResidentFactory(community=community, name=SUBMITTER)
    topic = TopicFactory(
        community=community, window=meeting.window, submitter=submitter, title="修路灯"
    )
    council_services.triage_accept(meeting=meeting, topic=topic, by=staff_user)
    item = meeting.agenda_items.get()
    topic_services.preconsultation_record(
        topic=topic,
        by=staff_user,
        consulted_at=timezone.now() - timedelta(days=1),
        position="concerns",
        notes=NOTE,
        proposed_direction=DIRECTION,
        resident=ResidentFactory(community=community, name=CONSULTED),
    )
    council_services.invitation_create(
        agenda_item=item,
        by=staff_user,
        resident=ResidentFactory(community=community, name=INVITEE),
        reason="学校就在路口",
    )
    topic_services.comment_create(topic=topic, author=representative, body=COMMENT)
    council_services.agenda_publish(meeting=meeting, by=staff_user, confirm=True)
    meeting = council_services.meeting_start(
        meeting=meeting, by=staff_user, confirm=True
    )
    council_services.attendance_check_in(
        meeting=meeting,
        by=staff_user,
        resident=seat.resident,
        status=AttendanceStatus.IN_PERSON,
    )
    return {"meeting": meeting, "item": item, "topic": topic}


def _agenda_item_page(client, community, story):
    item = story["item"]
    response = client.get(
        reverse("council:agenda_item", args=[community.slug, item.meeting_id, item.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


# -- consultation notes -------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["resident_user", "representative", "district_officer"]
)
def test_agenda_item_shows_others_the_direction_and_counts_not_who_or_notes(
    request, login, community, story, role
):
    text = _agenda_item_page(login(request.getfixturevalue(role)), community, story)
    assert DIRECTION in text
    assert "有顾虑: 1" in text
    assert NOTE not in text
    assert CONSULTED not in text


@pytest.mark.parametrize("role", ["staff_user", "social_worker"])
def test_staff_and_social_workers_see_who_was_consulted_and_the_notes(
    request, login, community, story, role
):
    text = _agenda_item_page(login(request.getfixturevalue(role)), community, story)
    assert NOTE in text and CONSULTED in text and DIRECTION in text


# -- the district officer -----------------------------------------------------------


def test_district_officer_sees_topics_without_names_or_comments(
    login, community, story, district_officer
):
    client = login(district_officer)
    listing = client.get(reverse("topics:topic_list", args=[community.slug]))
    text = listing.content.decode()
    assert "修路灯" in text and SUBMITTER not in text
    detail = client.get(story["topic"].get_absolute_url()).content.decode()
    assert "修路灯" in detail and "已列入议程" in detail
    assert "1 条意见" in detail
    for secret in (SUBMITTER, COMMENTER, COMMENT):
        assert secret not in detail


def test_residents_still_see_who_submitted_and_commented(
    login, community, story, resident_user
):
    detail = login(resident_user).get(story["topic"].get_absolute_url())
    text = detail.content.decode()
    assert SUBMITTER in text and COMMENTER in text and COMMENT in text


def test_district_officer_sees_the_agenda_without_invitees(
    login, community, story, district_officer
):
    text = _agenda_item_page(login(district_officer), community, story)
    assert "修路灯" in text
    assert INVITEE not in text and "学校就在路口" not in text


def test_district_officer_sees_attendance_counts_not_names(
    login, community, story, district_officer
):
    client = login(district_officer)
    meeting = story["meeting"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "个席位中 1 个出席" in page
    assert SEATED not in page
    attendance = reverse("council:attendance", args=[community.slug, meeting.pk])
    assert client.get(attendance).status_code == 403
    assert "签到名单" not in page


def test_district_officer_sees_seat_counts_not_representatives(
    login, community, story, district_officer, resident_user
):
    url = reverse("council:council", args=[community.slug])
    text = login(district_officer).get(url).content.decode()
    assert "个席位，已有" in text
    assert SEATED not in text and COMMENTER not in text
    assert SEATED in login(resident_user).get(url).content.decode()


def test_district_officer_sees_organisations_without_contact_people(
    login, community, district_officer, resident_user
):
    organization = OrganizationFactory(
        community=community, name="汀塘老年协会", contact_name="郑金水"
    )
    url = organization.get_absolute_url()
    text = login(district_officer).get(url).content.decode()
    assert "汀塘老年协会" in text and "郑金水" not in text
    assert "郑金水" in login(resident_user).get(url).content.decode()
