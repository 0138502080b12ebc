"""The meeting's topic review page: accept, merge, decline, defer; invite consulted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from council import services
from council.models import AgendaItem, Invitation
from notifications.models import Notification
from tests.council.factories import schedule
from tests.factories import OrganizationFactory, ResidentFactory
from tests.topics.factories import TopicFactory
from topics import services as topic_services
from topics.models import Endorsement, TopicEventKind, TopicStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(community, staff_user):
    return schedule(community, by=staff_user, title="十一月议事会")


@pytest.fixture
def submitter(community):
    return ResidentFactory(community=community, name="王阿姨")


@pytest.fixture
def topic(community, meeting, submitter):
    return TopicFactory(
        community=community, window=meeting.window, submitter=submitter, title="修路灯"
    )


def page_url(meeting):
    return reverse(
        "council:triage", kwargs={"community": meeting.community.slug, "pk": meeting.pk}
    )


def invite_url(item):
    meeting = item.meeting
    return reverse(
        "council:invite_consulted",
        kwargs={"community": meeting.community.slug, "pk": meeting.pk, "item": item.pk},
    )


def action_url(meeting, topic):
    return reverse(
        "council:triage_action",
        kwargs={
            "community": meeting.community.slug,
            "pk": meeting.pk,
            "topic_pk": topic.pk,
        },
    )


def test_staff_accept_creates_agenda_item_and_tells_submitter(
    meeting, topic, staff_user, login
):
    client = login(staff_user)
    page = client.get(page_url(meeting)).content.decode()
    assert "议题审核" in page and "修路灯" in page
    response = client.post(action_url(meeting, topic), {"action": "accept"})
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.topic == topic and item.title == "修路灯"
    topic.refresh_from_db()
    assert topic.status == TopicStatus.ACCEPTED
    event = topic.events.get(kind=TopicEventKind.ACCEPTED)
    assert event.payload["meeting"] == "十一月议事会"
    assert event.payload["link"] == meeting.get_absolute_url()
    notification = Notification.objects.get(kind="topics_accepted")
    assert notification.resident == topic.submitter
    assert "十一月议事会" in notification.body


def test_accepting_twice_does_not_add_a_second_item(meeting, topic, staff_user, login):
    client = login(staff_user)
    client.post(action_url(meeting, topic), {"action": "accept"})
    response = client.post(
        action_url(meeting, topic), {"action": "accept"}, follow=True
    )
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
    assert "这个议题已在议程中" in response.content.decode()


def test_social_worker_can_review(meeting, topic, social_worker, login):
    response = login(social_worker).post(
        action_url(meeting, topic), {"action": "decline", "reason": "已由物业处理"}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (
        topic.status == TopicStatus.DECLINED and topic.decline_reason == "已由物业处理"
    )


def test_decline_without_reason_is_refused_with_message(
    meeting, topic, staff_user, login
):
    response = login(staff_user).post(
        action_url(meeting, topic), {"action": "decline", "reason": ""}, follow=True
    )
    assert "请说明理由" in response.content.decode()
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED


def test_merge_through_the_page(community, meeting, topic, staff_user, login):
    into = TopicFactory(community=community, window=meeting.window, title="路灯不亮")
    both = ResidentFactory(community=community)
    topic_services.endorsement_create(topic=topic, resident=both)
    topic_services.endorsement_create(topic=into, resident=both)
    login(staff_user).post(
        action_url(meeting, topic), {"action": "merge", "into": into.pk}
    )
    into.refresh_from_db()
    assert into.endorsement_count == 1
    assert Endorsement.objects.count() == 1
    assert Notification.objects.filter(kind="topics_merged").count() == 1


def test_defer_through_the_page(meeting, topic, staff_user, login):
    login(staff_user).post(action_url(meeting, topic), {"action": "defer"})
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DEFERRED
    assert topic.window is None  # no later meeting yet: waits for the next one


def test_resident_cannot_review(meeting, topic, resident_user, login):
    client = login(resident_user)
    assert client.get(page_url(meeting)).status_code == 403
    assert (
        client.post(action_url(meeting, topic), {"action": "accept"}).status_code == 403
    )


def test_staff_of_another_community_cannot_review(
    meeting, topic, other_staff_user, login
):
    client = login(other_staff_user)
    assert client.get(page_url(meeting)).status_code == 403
    assert (
        client.post(action_url(meeting, topic), {"action": "accept"}).status_code == 403
    )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED


def test_topic_from_another_window_is_not_found(community, meeting, staff_user, login):
    waiting = TopicFactory(community=community)  # no window
    response = login(staff_user).post(
        action_url(meeting, waiting), {"action": "accept"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("review", "extra"),
    [
        (services.triage_accept, {}),
        (services.triage_decline, {"reason": "不属于本社区"}),
        (services.triage_defer, {}),
        (services.triage_merge, {"into": None}),
    ],
)
def test_every_review_action_refuses_a_topic_of_another_meeting(
    community, meeting, topic, staff_user, review, extra
):
    later = schedule(community, by=staff_user, days=40, title="十二月议事会")
    if "into" in extra:
        extra = {"into": TopicFactory(community=community, window=later.window)}
    with pytest.raises(ValidationError, match="修路灯"):
        review(meeting=later, topic=topic, by=staff_user, **extra)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED
    assert not AgendaItem.objects.filter(topic=topic).exists()


def test_review_page_queries_do_not_grow(
    community, meeting, staff_user, login, django_assert_max_num_queries
):
    client = login(staff_user)
    for _ in range(3):
        TopicFactory(community=community, window=meeting.window)
    with django_assert_max_num_queries(40) as few:
        client.get(page_url(meeting))
    for _ in range(30):
        TopicFactory(community=community, window=meeting.window)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page_url(meeting))


def test_invite_consulted_parties_in_one_step(
    community, meeting, topic, staff_user, social_worker, login
):
    client = login(staff_user)
    client.post(action_url(meeting, topic), {"action": "accept"})
    item = AgendaItem.objects.get(meeting=meeting, topic=topic)
    neighbour = ResidentFactory(community=community, name="李大爷")
    school = OrganizationFactory(community=community, name="汀塘小学")
    for kwargs in (
        {"resident": neighbour, "position": "supports"},
        {"organization": school, "position": "concerns"},
        {
            "outside_name": "物业公司",
            "outside_phone": "13800001111",
            "position": "opposes",
        },
        {
            "outside_name": "路灯厂",
            "position": "supports",
        },  # no phone: cannot be invited
    ):
        topic_services.preconsultation_record(
            topic=topic, by=social_worker, consulted_at=timezone.now(), **kwargs
        )
    page = client.get(page_url(meeting)).content.decode()
    assert "邀请已协商的各方作为利益相关方" in page and "有顾虑: 1" in page
    url = invite_url(item)
    response = client.post(url, follow=True)
    assert Invitation.objects.filter(agenda_item=item).count() == 3
    assert "路灯厂" in response.content.decode()  # told why it was not invited
    client.post(url)
    assert Invitation.objects.filter(agenda_item=item).count() == 3


def test_invite_consulted_goes_back_only_within_the_site(
    community, meeting, topic, staff_user, login
):
    client = login(staff_user)
    client.post(action_url(meeting, topic), {"action": "accept"})
    item = AgendaItem.objects.get(meeting=meeting, topic=topic)
    url = invite_url(item)
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == page_url(meeting)
    response = client.post(url, {"next": item.get_absolute_url()})
    assert response["Location"] == item.get_absolute_url()


def test_resident_cannot_invite_consulted(
    meeting, topic, staff_user, resident_user, login, client
):
    client.force_login(staff_user)
    client.post(action_url(meeting, topic), {"action": "accept"})
    item = AgendaItem.objects.get(meeting=meeting)
    client.force_login(resident_user)
    url = invite_url(item)
    assert client.post(url).status_code == 403


def test_review_index_lists_meetings_with_topics_to_review(
    community, meeting, topic, staff_user, login, django_assert_max_num_queries
):
    client = login(staff_user)
    url = reverse("council:triage_index", kwargs={"community": community.slug})
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert "十一月议事会" in page and "1 个议题待审核" in page
    assert page_url(meeting) in page
    assert "议题审核" in page  # the heading


def test_review_index_is_for_staff_and_social_workers(
    community, resident_user, other_staff_user, login, client
):
    url = reverse("council:triage_index", kwargs={"community": community.slug})
    client.force_login(resident_user)
    assert client.get(url).status_code == 403
    assert (
        "议题审核"
        not in client.get(
            reverse("topics:topic_list", kwargs={"community": community.slug})
        ).content.decode()
    )
    client.force_login(other_staff_user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("into", ["", "abc", "999999"])
def test_merge_without_a_valid_target_explains(meeting, topic, staff_user, login, into):
    response = login(staff_user).post(
        action_url(meeting, topic), {"action": "merge", "into": into}, follow=True
    )
    assert response.status_code == 200
    assert "请选择要合并到的议题" in response.content.decode()
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED


def test_unknown_action_explains(meeting, topic, staff_user, login):
    response = login(staff_user).post(
        action_url(meeting, topic), {"action": "explode"}, follow=True
    )
    assert "请选择列入议程、合并、不采纳或延至下次" in response.content.decode()


def test_agenda_item_page_shows_the_consultation_summary_of_its_topic(
    community, meeting, topic, staff_user, social_worker, login
):
    client = login(staff_user)
    client.post(action_url(meeting, topic), {"action": "accept"})
    item = AgendaItem.objects.get(meeting=meeting, topic=topic)
    item_url = reverse(
        "council:agenda_item",
        kwargs={"community": community.slug, "pk": meeting.pk, "item": item.pk},
    )
    before = client.get(item_url).content.decode()
    assert "物业公司" not in before and "邀请已协商的各方作为利益相关方" not in before
    topic_services.preconsultation_record(
        topic=topic,
        by=social_worker,
        consulted_at=timezone.now(),
        outside_name="物业公司",
        outside_phone="13800001111",
        position="concerns",
    )
    page = client.get(item_url).content.decode()
    assert "会前协商" in page and "物业公司" in page
    assert "邀请已协商的各方作为利益相关方" in page
