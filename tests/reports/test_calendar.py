"""The community calendar feed: a secret address, resettable, with links back."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from council.models import Meeting
from reports.models import CalendarFeed
from residents.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _feed(client, user, community):
    client.force_login(user)
    page = client.get(reverse("reports:calendar", args=[community.slug]))
    assert page.status_code == 200
    return CalendarFeed.objects.get(user=user, community=community)


def _events(client, feed):
    client.logout()  # a phone's calendar sends no login
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_feed_has_meetings_and_collection_deadlines_linking_back(client, town, frozen):
    resident = town.residents["ying"]
    feed = _feed(client, resident.user, town.community)
    events = _events(client, feed)
    meeting = town.meetings[0]
    event = events["第1次议事会"]
    assert str(event["url"]) == f"http://testserver{meeting.get_absolute_url()}"
    assert event.decoded("dtstart") == meeting.starts_at
    deadline = events["议题征集截止：第1次议事会议题征集"]
    assert deadline.decoded("dtstart") == meeting.window.closes_at
    assert str(deadline["url"]).endswith(f"/c/{town.community.slug}/topics/")


def test_drafts_only_for_staff(client, town, frozen):
    Meeting.objects.filter(pk=town.meetings[1].pk).update(status="draft")
    resident_feed = _feed(client, town.residents["ying"].user, town.community)
    assert "第2次议事会" not in _events(client, resident_feed)
    staff_feed = _feed(client, town.staff, town.community)
    assert "第2次议事会" in _events(client, staff_feed)


def test_reset_makes_the_old_address_stop_working(client, town, frozen):
    user = town.residents["ying"].user
    feed = _feed(client, user, town.community)
    old_url = feed.get_absolute_url()
    client.post(reverse("reports:calendar_reset", args=[town.community.slug]))
    feed.refresh_from_db()
    assert feed.get_absolute_url() != old_url and feed.reset_at
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(feed.get_absolute_url()).status_code == 200


def test_feed_stops_when_its_owner_leaves_the_community(client, town, frozen):
    user = UserFactory()
    membership = MembershipFactory(
        user=user, community=town.community, role=Role.RESIDENT
    )
    feed = _feed(client, user, town.community)
    membership.delete()
    client.logout()
    assert client.get(feed.get_absolute_url()).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_outsiders_get_no_feed_page(client, town):
    client.force_login(UserFactory())
    response = client.get(reverse("reports:calendar", args=[town.community.slug]))
    assert response.status_code == 403


def test_feed_has_the_deadline_of_each_vote(client, town, frozen):
    from voting.models import VotingRound

    vote = VotingRound.objects.get()
    feed = _feed(client, town.residents["ying"].user, town.community)
    event = _events(client, feed)["表决截止：是否同意修三号楼路灯？"]
    assert event.decoded("dtstart") == vote.closes_at
    assert str(event["url"]).endswith(vote.get_absolute_url())
