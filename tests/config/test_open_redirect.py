"""Every view that takes `next` sends people back into this site only.

A `next` pointing at another host, a `javascript:` URL, a scheme-relative `//host`
or `/\\host` (which browsers read as //host), or one with control characters is
ignored for the view's own page: never followed, never a 500.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.http import safe_next
from council import services as council_services
from notifications.models import Delivery, DeliveryStatus, Notification
from tests.council.factories import schedule
from tests.topics.factories import CommentFactory, TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

BAD = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "/ok\x00/",
    "http://testserver\r\nSet-Cookie: x=1",
]


@pytest.mark.parametrize("target", BAD)
def test_safe_next_refuses_what_leaves_the_site(target):
    request = RequestFactory().post("/", {"next": target})
    assert safe_next(request, "/fallback/") == "/fallback/"


def test_safe_next_keeps_a_path_of_this_site():
    request = RequestFactory().get("/", {"next": "/c/tingtang/?page=2"})
    assert safe_next(request, "/fallback/") == "/c/tingtang/?page=2"


@pytest.fixture
def invitation(community, staff_user, resident_user):
    meeting = schedule(community, by=staff_user)
    item = council_services.agenda_item_create(
        meeting=meeting, by=staff_user, title="停车难"
    )
    return council_services.invitation_create(
        agenda_item=item,
        by=staff_user,
        resident=resident_user.resident_records.get(),
        reason="住在停车场旁",
    )


def _reply(client, community, invitation, target):
    return client.post(
        reverse("council:invitation_respond", args=[community.slug, invitation.pk]),
        {"answer": "accept", "next": target},
    )


@pytest.mark.parametrize("target", BAD)
def test_invitation_reply_does_not_follow_next_off_the_site(
    login, community, invitation, resident_user, target
):
    response = _reply(login(resident_user), community, invitation, target)
    assert response.status_code == 302
    assert response["Location"] == invitation.agenda_item.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_invitation_reply_goes_back_to_the_page_it_came_from(
    login, community, invitation, resident_user
):
    meeting_url = invitation.meeting.get_absolute_url()
    response = _reply(login(resident_user), community, invitation, meeting_url)
    assert response["Location"] == meeting_url


def test_invite_consulted_does_not_follow_next_off_the_site(
    login, community, staff_user
):
    meeting = schedule(community, by=staff_user)
    topic = TopicFactory(community=community, window=meeting.window)
    council_services.triage_accept(meeting=meeting, topic=topic, by=staff_user)
    item = meeting.agenda_items.get()
    url = reverse(
        "council:invite_consulted", args=[community.slug, meeting.pk, item.pk]
    )
    triage = reverse("council:triage", args=[community.slug, meeting.pk])
    client = login(staff_user)
    for target in BAD:
        response = client.post(url, {"next": target})
        assert response["Location"] == triage, target
    assert client.post(url, {"next": "/c/tingtang/"})["Location"] == "/c/tingtang/"


def test_comment_hide_does_not_follow_next_off_the_site(login, community, staff_user):
    comment = CommentFactory(topic=TopicFactory(community=community))
    url = reverse("topics:comment_hide", args=[community.slug, comment.pk])
    back = comment.topic.get_absolute_url() + f"#comment-{comment.pk}"
    client = login(staff_user)
    for target in BAD:
        response = client.post(url, {"reason": "广告", "next": target})
        assert response["Location"] == back, target
    reports = reverse("topics:report_list", args=[community.slug])
    page = client.get(reports)
    assert page.status_code == 200
    response = client.post(url, {"reason": "广告", "next": reports})
    assert response["Location"] == reports


def test_reminder_toggle_does_not_follow_next_off_the_site(
    login, community, resident_user
):
    url = reverse("topics:reminder_toggle", args=[community.slug])
    topics = reverse("topics:topic_list", args=[community.slug])
    client = login(resident_user)
    for target in BAD:
        response = client.post(url, {"enabled": "1", "next": target})
        assert response["Location"] == topics, target


def test_inbox_actions_do_not_follow_next_off_the_site(
    login, community, resident_user, staff_user
):
    notification = Notification.objects.create(
        community=community,
        user=resident_user,
        kind="test",
        subject="通知",
        body="内容",
        dedupe_key="open-redirect-test",
    )
    inbox = reverse("notifications:inbox")
    client = login(resident_user)
    for target in BAD:
        read = reverse("notifications:mark_read", args=[notification.pk])
        assert client.post(read, {"next": target})["Location"] == inbox, target
        read_all = reverse("notifications:mark_all_read")
        assert client.post(read_all, {"next": target})["Location"] == inbox, target
    delivery = Delivery.objects.create(
        notification=notification,
        channel="sms",
        address="13800001111",
        status=DeliveryStatus.FAILED,
    )
    deliveries = reverse("notifications:deliveries", args=[community.slug])
    retry = reverse("notifications:delivery_retry", args=[community.slug, delivery.pk])
    response = login(staff_user).post(retry, {"next": BAD[0]})
    assert response["Location"] == deliveries
