"""What a visitor sees before logging in, and where each person lands."""

import re

import pytest
from django.urls import reverse

from council import services as council_services
from council.models import Council
from tests.council.factories import schedule
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    ResidentFactory,
    UserFactory,
)
from tests.topics.factories import TopicFactory
from topics import services as topic_services

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"1[3-9]\d{9}")


def _public(client, community):
    return client.get(reverse("residents:community_public", args=[community.slug]))


@pytest.fixture
def decided_topic(community, staff_user):
    submitter = ResidentFactory(
        community=community, name="郑阿婆", mobile="13712345678"
    )
    topic = TopicFactory(
        community=community, submitter=submitter, title="旧村部四楼改成儿童活动中心"
    )
    topic_services.topic_mark_decided(
        topic=topic, by=staff_user, outcome="同意改建，居民众筹图书。"
    )
    return topic


@pytest.fixture
def published_meeting(community, staff_user):
    meeting = schedule(community, by=staff_user, days=10, title="十二月居民议事会")
    council_services.agenda_item_create(
        meeting=meeting, by=staff_user, title="小区停车难"
    )
    council_services.agenda_publish(meeting=meeting, by=staff_user, confirm=True)
    return meeting


def test_logged_out_root_lists_the_communities_public_pages_and_a_login(
    client, community, other_community
):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("residents:community_public", args=[community.slug]) in html
    assert reverse("residents:community_public", args=[other_community.slug]) in html
    assert reverse("login") in html


def test_landing_finds_a_community_by_name(client, community, other_community):
    html = client.get("/", {"q": "汀塘"}).content.decode()
    assert "汀塘社区" in html and "东峤社区" not in html


def test_landing_runs_the_same_queries_at_two_sizes(
    client, django_assert_max_num_queries
):
    CommunityFactory.create_batch(3)
    with django_assert_max_num_queries(4):
        client.get("/")
    CommunityFactory.create_batch(60)
    with django_assert_max_num_queries(4):
        client.get("/")


def test_community_home_sends_visitors_to_the_public_page(client, community):
    response = client.get(reverse("residents:community_home", args=[community.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "residents:community_public", args=[community.slug]
    )


def test_public_page_shows_meetings_agenda_and_decisions_but_nothing_personal(
    client, community, published_meeting, decided_topic, resident_user
):
    html = _public(client, community).content.decode()
    assert "十二月居民议事会" in html
    assert "小区停车难" in html  # the published agenda
    assert "旧村部四楼改成儿童活动中心" in html
    assert "同意改建，居民众筹图书。" in html
    assert "怎样参与" in html
    login = reverse("login")
    assert f'href="{login}?next=' in html
    # Nothing personal: no submitter, no resident's name, no phone number.
    assert "郑阿婆" not in html and "王阿姨" not in html
    assert not MOBILE.search(html)


def test_unpublished_agenda_and_drafts_stay_off_the_public_page(
    client, community, staff_user
):
    meeting = schedule(community, by=staff_user, days=10, title="一月居民议事会")
    council_services.agenda_item_create(
        meeting=meeting, by=staff_user, title="内部事项"
    )
    html = _public(client, community).content.decode()
    assert "一月居民议事会" in html
    assert "内部事项" not in html
    assert "议程会在开会前一周左右公布" in html


def test_the_council_decides_what_is_public(
    client, community, staff_user, published_meeting, decided_topic
):
    council = Council.objects.get(community=community)
    council_services.council_update_charter(
        council=council,
        by=staff_user,
        public_meetings=False,
        public_decided_topics=False,
    )
    html = _public(client, community).content.decode()
    assert "十二月居民议事会" not in html and "小区停车难" not in html
    assert "旧村部四楼改成儿童活动中心" not in html
    assert "怎样参与" in html  # how to take part is always there


def test_agenda_can_stay_private_while_meetings_are_public(
    client, community, staff_user, published_meeting
):
    council = Council.objects.get(community=community)
    council_services.council_update_charter(
        council=council, by=staff_user, public_agenda=False
    )
    html = _public(client, community).content.decode()
    assert "十二月居民议事会" in html and "小区停车难" not in html


def test_public_settings_are_on_the_council_rules_form(login, community, staff_user):
    html = (
        login(staff_user)
        .get(reverse("council:charter_edit", args=[community.slug]))
        .content.decode()
    )
    for name in (
        "public_meetings",
        "public_agenda",
        "public_decided_topics",
        "public_results",
    ):
        assert f'name="{name}"' in html


def test_public_page_of_an_unknown_community_is_404(client):
    assert client.get("/c/nowhere/public/").status_code == 404


def test_public_page_runs_the_same_queries_at_two_sizes(
    client, community, staff_user, django_assert_max_num_queries
):
    for n in range(2):
        topic = TopicFactory(community=community)
        topic_services.topic_mark_decided(
            topic=topic, by=staff_user, outcome=f"决定{n}"
        )
    schedule(community, by=staff_user, days=9, title="会议")
    with django_assert_max_num_queries(8) as few:
        _public(client, community)
    for n in range(20):
        topic = TopicFactory(community=community)
        topic_services.topic_mark_decided(
            topic=topic, by=staff_user, outcome=f"决定{n}"
        )
        schedule(community, by=staff_user, days=10 + n, title=f"会议{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        _public(client, community)


# -- the community home: counts of vulnerable residents are for staff ----------


def test_residents_do_not_see_counts_of_vulnerable_residents(
    login, community, resident_user
):
    ResidentFactory(community=community, is_elderly_alone=True)
    html = (
        login(resident_user)
        .get(reverse("residents:community_home", args=[community.slug]))
        .content.decode()
    )
    assert "独居老人" not in html and "留守儿童" not in html and "残疾人" not in html


@pytest.mark.parametrize("person", ["staff_user", "social_worker", "district_officer"])
def test_staff_social_workers_and_officers_see_the_counts(
    request, login, community, person
):
    ResidentFactory(community=community, is_elderly_alone=True)
    html = (
        login(request.getfixturevalue(person))
        .get(reverse("residents:community_home", args=[community.slug]))
        .content.decode()
    )
    assert "独居老人" in html and "留守儿童" in html


# -- where people land ---------------------------------------------------------


def test_superuser_without_a_community_lands_on_all_communities(
    login, community, other_community
):
    admin = UserFactory(is_superuser=True, is_staff=True)
    html = login(admin).get("/").content.decode()
    assert "您还没有加入任何社区" not in html
    assert "全部社区" in html
    assert community.get_absolute_url() in html
    assert other_community.get_absolute_url() in html
    assert reverse("admin:index") in html
    opened = login(admin).get(community.get_absolute_url())
    assert opened.status_code == 200


def test_inbox_menu_keeps_the_community_links(login, community, resident_user):
    html = login(resident_user).get(reverse("notifications:inbox")).content.decode()
    assert reverse("topics:topic_list", args=[community.slug]) in html
    assert reverse("council:meetings", args=[community.slug]) in html


def test_inbox_menu_shows_the_community_last_opened(login, community, other_community):
    user = UserFactory()
    for place in (community, other_community):
        MembershipFactory(user=user, community=place, role="resident")
    client = login(user)
    client.get(reverse("topics:topic_list", args=[other_community.slug]))
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert reverse("topics:topic_list", args=[other_community.slug]) in html
    assert reverse("topics:topic_list", args=[community.slug]) not in html


def test_menu_labels_do_not_repeat_the_council_name(login, community, staff_user):
    html = (
        login(staff_user)
        .get(reverse("residents:community_home", args=[community.slug]))
        .content.decode()
    )
    menu = html[html.index('id="mainnav"') :]
    menu = menu[: menu.index("</nav>")]
    labels = re.findall(r'class="nav-link"[^>]*>([^<]+)</a>', menu)
    assert "会议" in labels and "代表与规则" in labels and "议题" in labels
    assert "议事会议" not in labels and "议题审核" not in labels
