"""The demo tells the source's story to the end, and a second run changes nothing."""

import io

import pytest
from django.core.management import call_command

from outcomes.models import (
    ActionStatus,
    Minutes,
    Outcome,
    OutcomeStatus,
    SatisfactionRating,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_childrens_centre_story_with_pledges_actions_minutes_and_ratings(client):
    call_command("seed_demo", residents=300, stdout=io.StringIO())
    centre = Outcome.objects.get(agenda_item__topic__title="旧村部四楼改成儿童活动中心")
    assert centre.topic.title == "旧村部四楼改成儿童活动中心"
    # Decided once in its history: at the meeting, not again with the outcome.
    assert centre.topic.events.filter(kind="decided").count() == 1
    assert centre.voting_round.result.passed
    assert centre.status == OutcomeStatus.IN_PROGRESS
    books = centre.needs.get(description="儿童图书")
    assert 0 < books.received_total < books.pledged_total <= books.quantity
    items = list(centre.action_items.order_by("position"))
    assert [i.status == ActionStatus.DONE for i in items] == [True, False]
    assert items[0].updates.get().photos.count() == 1
    lights = Outcome.objects.get(agenda_item__title="公共路灯维修")
    assert lights.status == OutcomeStatus.IMPLEMENTED
    assert SatisfactionRating.objects.filter(outcome=lights).count() >= 5
    minutes = Minutes.objects.get(meeting=centre.meeting)
    version = minutes.versions.get()
    assert minutes.is_published and version.pdf_ready
    assert version.confirmations.count() >= 1
    slug = centre.community.slug
    listing = client.get(f"/c/{slug}/outcomes/").content.decode()
    assert centre.agenda_item.title in listing and "公共路灯维修" in listing
    for outcome in (centre, lights):
        page = client.get(outcome.get_absolute_url())
        assert page.status_code == 200
    story = client.get(centre.get_absolute_url()).content.decode()
    assert "儿童图书" in story and "清理四楼" in story
    client.force_login(centre.recorded_by)
    assert client.get(minutes.get_absolute_url()).status_code == 200
    pdf = client.get(f"/c/{slug}/outcomes/minutes/{centre.meeting_id}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    counts = (Outcome.objects.count(), SatisfactionRating.objects.count())
    call_command("seed_demo", residents=300, stdout=io.StringIO())
    assert (Outcome.objects.count(), SatisfactionRating.objects.count()) == counts
