"""Only staff of the community see full addresses and numbers, or find by mobile.

Social workers record topics and consultations for residents too: they see the
masked forms (3号楼 ****, 138****1706), and a mobile number alone finds no one for
them, or it would tell them whose number it is.
"""

import pytest
from django.urls import reverse

from council import services as council_services
from tests.council.factories import schedule
from tests.factories import ResidentFactory
from tests.topics.factories import TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

MOBILE = "13859001706"


def url(name, community, **kwargs):
    return reverse(f"topics:{name}", kwargs={"community": community.slug, **kwargs})


@pytest.fixture
def yu(community):
    """Two residents called 余丽芳; the first has a mobile number."""
    first = ResidentFactory(
        community=community,
        name="余丽芳",
        mobile=MOBILE,
        building="3",
        unit="2",
        room="1706",
    )
    ResidentFactory(
        community=community, name="余丽芳", mobile="", building="8", room="502"
    )
    return first


def test_social_worker_chooser_shows_masked_addresses(
    community, yu, social_worker, login
):
    page = login(social_worker).get(
        url("topic_record_choose", community), {"q": "余丽芳"}
    )
    text = page.content.decode()
    assert text.count("余丽芳") >= 2
    assert "3号楼 ****" in text and "138****1706" in text
    assert "1706室" not in text and "502室" not in text
    assert "按姓名或楼号查找居民" in text


def test_staff_chooser_shows_full_addresses(community, yu, staff_user, login):
    text = (
        login(staff_user)
        .get(url("topic_record_choose", community), {"q": "余丽芳"})
        .content.decode()
    )
    assert "3号楼 2单元 1706室" in text and "8号楼" in text


@pytest.mark.parametrize("query", [MOBILE, "1706", MOBILE[-4:]])
def test_social_worker_cannot_find_whose_number_it_is(
    community, yu, social_worker, staff_user, login, query
):
    page = login(social_worker).get(url("topic_record_choose", community), {"q": query})
    assert "余丽芳" not in page.content.decode()
    staff_page = login(staff_user).get(
        url("topic_record_choose", community), {"q": MOBILE}
    )
    assert "余丽芳" in staff_page.content.decode()


@pytest.fixture
def accepted_topic(community, staff_user):
    meeting = schedule(community, by=staff_user)
    topic = TopicFactory(community=community, window=meeting.window, title="修路灯")
    council_services.triage_accept(meeting=meeting, topic=topic, by=staff_user)
    return topic


def _consult(client, community, topic, who):
    return client.post(
        url("consultation_create", community, pk=topic.pk),
        {
            "stakeholder_kind": "resident",
            "resident": who,
            "consulted_at": "2026-11-20T10:00",
            "position": "supports",
        },
    )


def test_which_one_error_shows_social_workers_masked_addresses(
    community, yu, accepted_topic, social_worker, login
):
    text = _consult(
        login(social_worker), community, accepted_topic, "余丽芳"
    ).content.decode()
    assert "有几位居民都叫“余丽芳”" in text
    assert "3号楼 **** 138****1706" in text and "8号楼 ****" in text
    assert "1706室" not in text and "502室" not in text
    assert "请在姓名后加上其手机号" in text


def test_which_one_error_shows_staff_full_addresses(
    community, yu, accepted_topic, staff_user, login
):
    text = _consult(
        login(staff_user), community, accepted_topic, "余丽芳"
    ).content.decode()
    assert "3号楼 2单元 1706室" in text and "请改用手机号" in text


def test_social_worker_needs_the_name_with_the_number(
    community, yu, accepted_topic, social_worker, login
):
    client = login(social_worker)
    response = _consult(client, community, accepted_topic, MOBILE)
    assert response.status_code == 200
    assert "只有社区工作人员可以只凭手机号查找居民" in response.content.decode()
    assert not accepted_topic.consultations.exists()
    # A wrong name with the number tells nothing about the number either.
    response = _consult(client, community, accepted_topic, f"王秀英 {MOBILE}")
    assert "本社区没有名为或手机号为" in response.content.decode()
    response = _consult(client, community, accepted_topic, f"余丽芳 {MOBILE}")
    assert response.status_code == 302
    assert accepted_topic.consultations.get().resident == yu


def test_staff_find_by_the_number_alone(
    community, yu, accepted_topic, staff_user, login
):
    response = _consult(login(staff_user), community, accepted_topic, MOBILE)
    assert response.status_code == 302
    assert accepted_topic.consultations.get().resident == yu


def test_social_worker_invites_by_name_not_by_number_alone(
    community, yu, accepted_topic, social_worker, login
):
    item = accepted_topic.agenda_items.get()
    invite = reverse(
        "council:invitation_create",
        args=[community.slug, item.meeting_id, item.pk],
    )
    client = login(social_worker)
    response = client.post(
        invite,
        {"stakeholder_kind": "resident", "resident": MOBILE, "reason": "住在旁边"},
    )
    assert response.status_code == 200
    assert "只有社区工作人员可以只凭手机号查找居民" in response.content.decode()
    assert not item.invitations.exists()
    response = client.post(
        invite,
        {
            "stakeholder_kind": "resident",
            "resident": f"余丽芳 {MOBILE}",
            "reason": "住在旁边",
        },
    )
    assert response.status_code == 302
    assert item.invitations.get().resident == yu


def test_consultations_by_a_social_worker_still_work_by_unique_name(
    community, accepted_topic, social_worker, login
):
    unique = ResidentFactory(community=community, name="陈建国")
    response = _consult(login(social_worker), community, accepted_topic, "陈建国")
    assert response.status_code == 302
    assert accepted_topic.consultations.get().resident == unique
