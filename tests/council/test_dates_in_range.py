"""Dates out of range give a form error, and no stored date breaks a page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from council import services
from council.models import Council, Meeting, Seat
from tests.council.factories import schedule
from tests.factories import ResidentFactory
from tests.topics.factories import TopicFactory
from topics.models import PreConsultation

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"council:{name}", args=args)


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("0001-01-01T10:00", "0001-01-01T12:00", "2000年1月1日"),
        ("9999-12-31T22:00", "9999-12-31T23:00", "不晚于"),
    ],
)
@pytest.mark.parametrize("draft", [True, False])
def test_meeting_form_refuses_dates_out_of_range(
    login, community, staff_user, starts, ends, message, draft
):
    data = {
        "title": "远方的会",
        "starts_at": starts,
        "ends_at": ends,
        "place": "村委会",
    }
    if draft:
        data["save_draft"] = "1"
    response = login(staff_user).post(url("meeting_create", community.slug), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "远方的会" in page
    assert not Meeting.objects.exists()


def test_service_refuses_a_draft_years_ahead_or_lasting_days(community, staff_user):
    far = timezone.now() + timedelta(days=6 * 365)
    with pytest.raises(ValidationError) as exc:
        schedule(community, by=staff_user, draft=True, starts_at=far, ends_at=far)
    assert "starts_at" in exc.value.error_dict
    soon = timezone.now() + timedelta(days=20)
    with pytest.raises(ValidationError) as exc:
        schedule(
            community,
            by=staff_user,
            starts_at=soon,
            ends_at=soon + timedelta(days=3),
        )
    assert "ends_at" in exc.value.error_dict
    assert not Meeting.objects.exists()


def test_a_meeting_stored_in_year_9999_does_not_break_its_pages(
    login, community, staff_user, seated
):
    meeting = schedule(community, by=staff_user, draft=True)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=datetime(9999, 12, 31, 20, 0, tzinfo=UTC),
        ends_at=datetime(9999, 12, 31, 22, 0, tzinfo=UTC),
    )
    client = login(staff_user)
    for name, args in [
        ("meeting", [community.slug, meeting.pk]),
        ("meeting_print", [community.slug, meeting.pk]),
        ("meeting_ics", [community.slug, meeting.pk]),
        ("meetings", [community.slug]),
    ]:
        assert client.get(url(name, *args)).status_code == 200, name
    assert "9999年12月31日" in client.get(meeting.get_absolute_url()).content.decode()


def accepted_topic(community, staff_user):
    meeting = schedule(community, by=staff_user)
    topic = TopicFactory(community=community, window=meeting.window)
    item = services.triage_accept(meeting=meeting, topic=topic, by=staff_user)
    return meeting, topic, item


@pytest.mark.parametrize(
    ("when", "message"),
    [("0001-01-01T00:00", "2000年1月1日"), ("2099-01-01T10:00", "不能是将来的时间")],
)
def test_consultation_form_refuses_dates_out_of_range(
    login, community, staff_user, social_worker, seated, when, message
):
    meeting, topic, item = accepted_topic(community, staff_user)
    client = login(social_worker)
    response = client.post(
        reverse("topics:consultation_create", args=[community.slug, topic.pk]),
        {
            "stakeholder_kind": "outside",
            "outside_name": "物业张经理",
            "consulted_at": when,
            "position": "supports",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PreConsultation.objects.exists()
    for page in (
        url("agenda_item", community.slug, meeting.pk, item.pk),
        url("triage", community.slug, meeting.pk),
        topic.get_absolute_url(),
    ):
        assert client.get(page).status_code == 200


def test_consultation_service_refuses_the_future(community, staff_user, seated):
    from topics import services as topic_services

    _meeting, topic, _item = accepted_topic(community, staff_user)
    with pytest.raises(ValidationError) as exc:
        topic_services.preconsultation_record(
            topic=topic,
            by=staff_user,
            consulted_at=timezone.now() + timedelta(days=2),
            position="supports",
            outside_name="物业张经理",
        )
    assert "consulted_at" in exc.value.error_dict


def test_a_consultation_stored_at_the_end_of_time_does_not_break_pages(
    login, community, staff_user, social_worker, seated
):
    from topics import services as topic_services

    meeting, topic, item = accepted_topic(community, staff_user)
    consultation = topic_services.preconsultation_record(
        topic=topic,
        by=social_worker,
        consulted_at=timezone.now(),
        position="supports",
        outside_name="物业张经理",
    )
    PreConsultation.objects.filter(pk=consultation.pk).update(
        consulted_at=datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    )
    client = login(social_worker)
    for page in (
        url("agenda_item", community.slug, meeting.pk, item.pk),
        url("triage", community.slug, meeting.pk),
        topic.get_absolute_url(),
    ):
        response = client.get(page)
        assert response.status_code == 200, page


@pytest.mark.parametrize("term_start", ["0001-01-01", "3000-01-01"])
def test_seat_term_dates_out_of_range_are_a_form_error(
    login, community, staff_user, term_start
):
    council = Council.objects.get(community=community)
    ResidentFactory(community=community, name="黄秀英")
    response = login(staff_user).post(
        url("seat_assign", community.slug),
        {
            "kind": council.seat_kinds.get(code="women").pk,
            "resident": "黄秀英",
            "term_start": term_start,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2000年1月1日" in page or "不晚于" in page
    assert not Seat.objects.exists()
