"""Characters the database refuses, in query parameters and in fields posted
without a form, are cleaned or ignored: the page answers, never a 500.

PostgreSQL refuses NUL (0x00) in text; SQLite does not, so these tests mean most
on PostgreSQL (CI runs the suite on both; `test_postgres_refuses_nul` shows the
refusal is real there). `int()` takes "²" for a digit it cannot read.
"""

import pytest
from django.db import connection
from django.urls import reverse

from core.params import clean_text, int_or_none, query_text
from tests.council.factories import schedule
from tests.factories import OrganizationFactory, ResidentFactory
from tests.topics.factories import TopicFactory
from topics.models import Topic, TopicStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

NUL = "路灯\x00"
ODD = [NUL, "\x00", "a\x00b", "²", "\x1b[2J", "\ufffd", "٣"]


@pytest.mark.postgres
def test_postgres_refuses_nul(community):
    assert connection.vendor == "postgresql"
    with pytest.raises(ValueError):
        list(Topic.objects.filter(title__icontains="\x00"))


def test_cleaners():
    assert clean_text(" 路灯\x00坏了\n第二行\t ") == "路灯坏了\n第二行"
    assert query_text({"q": "x\x00" * 80}, "q") == "x" * 80
    assert [int_or_none(v) for v in ("12", "²", "٣", "-1", "0", "1e3", None)] == [
        12,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize("name", ["q", "category", "status", "window", "sort", "page"])
@pytest.mark.parametrize("value", ODD)
def test_topic_list_survives_odd_characters(
    login, community, resident_user, name, value
):
    TopicFactory(community=community, title="修路灯")
    response = login(resident_user).get(
        reverse("topics:topic_list", args=[community.slug]), {name: value}
    )
    assert response.status_code == 200


def test_topic_search_with_nul_still_finds_the_topic(login, community, resident_user):
    TopicFactory(community=community, title="修路灯")
    response = login(resident_user).get(
        reverse("topics:topic_list", args=[community.slug]), {"q": NUL}
    )
    assert "修路灯" in response.content.decode()


@pytest.mark.parametrize("name", ["q", "tag", "page"])
@pytest.mark.parametrize("value", ODD)
def test_resident_list_survives_odd_characters(
    login, community, staff_user, name, value
):
    ResidentFactory(community=community, name="林秀英")
    response = login(staff_user).get(
        reverse("residents:resident_list", args=[community.slug]), {name: value}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("value", ODD)
def test_other_searches_survive_odd_characters(login, community, staff_user, value):
    client = login(staff_user)
    organization = OrganizationFactory(community=community)
    meeting = schedule(community, by=staff_user)
    for url in (
        reverse("topics:topic_record_choose", args=[community.slug]),
        reverse("council:attendance", args=[community.slug, meeting.pk]),
        reverse("council:meetings", args=[community.slug]),
        organization.get_absolute_url(),
        reverse("notifications:deliveries", args=[community.slug]),
        reverse("notifications:notice_board", args=[community.slug]),
        reverse("council:seat_assign", args=[community.slug]),
    ):
        response = client.get(
            url,
            {"q": value, "show": value, "status": value, "days": value, "kind": value},
        )
        assert response.status_code == 200, url


@pytest.fixture
def meeting(community, staff_user):
    return schedule(community, by=staff_user)


@pytest.fixture
def topic(community, meeting):
    return TopicFactory(community=community, window=meeting.window, title="修路灯")


def _triage(client, community, meeting, topic, data):
    return client.post(
        reverse("council:triage_action", args=[community.slug, meeting.pk, topic.pk]),
        data,
    )


def test_triage_decline_reason_with_nul_is_cleaned_and_kept(
    login, community, staff_user, meeting, topic
):
    response = _triage(
        login(staff_user),
        community,
        meeting,
        topic,
        {"action": "decline", "reason": "已由物业\x00处理\n下周修好"},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DECLINED
    assert topic.decline_reason == "已由物业处理\n下周修好"


def test_triage_accept_note_with_nul_is_cleaned(
    login, community, staff_user, meeting, topic
):
    response = _triage(
        login(staff_user),
        community,
        meeting,
        topic,
        {"action": "accept", "note": "优先\x00讨论"},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == TopicStatus.ACCEPTED


@pytest.mark.parametrize(
    "into", ["²", "٣", "\x00", "1\x00", "-1", "99999999999999999999"]
)
def test_triage_merge_into_an_unreadable_id_is_a_message(
    login, community, staff_user, meeting, topic, into
):
    client = login(staff_user)
    response = _triage(
        client, community, meeting, topic, {"action": "merge", "into": into}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "请选择要合并到的议题" in page
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED


@pytest.mark.parametrize("value", ["abc", "²", "\x00", ""])
def test_adding_an_organisation_member_with_a_bad_id_is_not_found(
    login, community, staff_user, value
):
    organization = OrganizationFactory(community=community)
    response = login(staff_user).post(
        reverse(
            "residents:organization_member_add",
            args=[community.slug, organization.pk],
        ),
        {"resident": value},
    )
    assert response.status_code == 404
    assert not organization.members.exists()
