"""The topic list and reports list: filters, permissions, query budgets."""

import pytest

from tests.topics.factories import TopicFactory
from topics import services
from topics.models import Topic, TopicCategory

from .helpers import url

pytestmark = pytest.mark.django_db


def _bulk_topics(community, window, submitter, n):
    Topic.objects.bulk_create(
        Topic(
            community=community,
            window=window,
            submitter=submitter,
            title=f"议题 {i}",
            description="描述",
            category=TopicCategory.OTHER,
            endorsement_count=i % 17,
            comment_count=i % 5,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("sort", ["new", "endorsed"])
def test_topic_list_runs_the_same_queries_at_10_and_10000_topics(
    community,
    resident,
    window,
    resident_user,
    login,
    django_assert_max_num_queries,
    sort,
):
    client = login(resident_user)
    _bulk_topics(community, window, resident, 10)
    client.get(url("topic_list", community))  # warm caches, as on a running site
    # Each request is the first of its filters and page, so the list is built.
    with django_assert_max_num_queries(11) as small:
        response = client.get(
            url("topic_list", community), {"sort": sort, "status": "submitted"}
        )
    assert response.status_code == 200
    _bulk_topics(community, window, resident, 9990)
    large_page = {"sort": sort, "page": 3, "status": "submitted"}
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url("topic_list", community), large_page)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert (
        "10,000 个议题" in response.content.decode()
        or "10000 个议题" in response.content.decode()
    )
    # Seen again, it is kept: the session, the login, the roles, the resident.
    with django_assert_max_num_queries(4):
        again = client.get(url("topic_list", community), large_page)
    assert "个议题" in again.content.decode()
    assert again.content.count(b"topic-card") == response.content.count(b"topic-card")


def test_list_filters_search_and_sort(
    community, resident, window, resident_user, login
):
    TopicFactory(
        community=community,
        submitter=resident,
        window=window,
        title="修路灯",
        category="facilities",
    )
    popular = TopicFactory(
        community=community,
        submitter=resident,
        window=window,
        title="老年食堂",
        category="elderly_care",
        endorsement_count=9,
    )
    TopicFactory(community=community, submitter=resident, title="等待中的议题")
    client = login(resident_user)
    page = client.get(url("topic_list", community), {"q": "食堂"}).content.decode()
    assert "老年食堂" in page and "修路灯" not in page
    page = client.get(
        url("topic_list", community), {"category": "facilities"}
    ).content.decode()
    assert "修路灯" in page and "老年食堂" not in page
    page = client.get(
        url("topic_list", community), {"window": window.pk}
    ).content.decode()
    assert "等待中的议题" not in page and "老年食堂" in page
    page = client.get(
        url("topic_list", community), {"status": "waiting"}
    ).content.decode()
    assert "等待中的议题" in page and "修路灯" not in page
    response = client.get(url("topic_list", community), {"sort": "endorsed"})
    assert list(response.context["topics"])[0] == popular


def test_empty_list_says_what_to_do(community, resident_user, login):
    page = login(resident_user).get(url("topic_list", community)).content.decode()
    assert "还没有议题" in page
    assert "提交第一个议题" in page


def test_staff_of_another_community_cannot_see_topics(
    community, topic, other_staff_user, login
):
    client = login(other_staff_user)
    assert client.get(url("topic_list", community)).status_code == 403
    assert client.get(url("topic_detail", community, pk=topic.pk)).status_code == 403


def test_topic_of_another_community_is_not_found_under_this_one(
    community, other_community, other_staff_user, login, topic
):
    client = login(other_staff_user)
    response = client.get(url("topic_detail", other_community, pk=topic.pk))
    assert response.status_code == 404


def test_district_officer_reads_but_cannot_submit(
    community, topic, district_officer, login
):
    client = login(district_officer)
    assert client.get(url("topic_detail", community, pk=topic.pk)).status_code == 200
    assert client.get(url("topic_submit", community)).status_code == 403


def test_only_my_topics(community, resident, window, resident_user, neighbour, login):
    TopicFactory(
        community=community, submitter=resident, window=window, title="我的议题"
    )
    TopicFactory(
        community=community, submitter=neighbour, window=window, title="邻居的议题"
    )
    page = login(resident_user).get(url("topic_list", community), {"mine": "1"})
    text = page.content.decode()
    assert "只看我提交的议题" in text
    assert "我的议题" in text and "邻居的议题" not in text


def test_report_list_queries_do_not_grow(
    community,
    topic,
    neighbour_user,
    resident_user,
    staff_user,
    login,
    django_assert_max_num_queries,
):
    def report(n):
        for i in range(n):
            comment = services.comment_create(
                topic=topic, author=neighbour_user, body=f"{i}"
            )
            services.comment_report(comment=comment, by=resident_user)

    client = login(staff_user)
    report(2)
    with django_assert_max_num_queries(15) as few:
        assert client.get(url("report_list", community)).status_code == 200
    report(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("report_list", community)).content.decode()
    assert "保留显示" in page


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"window": "x"},
        {"status": "nonsense"},
        {"category": "<script>"},
        {"sort": "drop table"},
        {"q": "x" * 500},
    ],
)
def test_list_survives_odd_parameters(community, resident_user, login, params):
    assert (
        login(resident_user).get(url("topic_list", community), params).status_code
        == 200
    )


def _card(client, community, topic, **params):
    """The topic's card on the list, as the reader gets it."""
    html = client.get(url("topic_list", community), params).content.decode()
    start = html.index(f"/topics/{topic.pk}/")
    return html[html.rindex("<article", 0, start) : html.index("</article>", start)]


def test_a_card_follows_what_it_shows(
    community, topic, neighbour, neighbour_user, resident_user, login, settings
):
    """The card memo, on the list as built each time (filtered by meeting)."""
    client = login(resident_user)
    live = {"window": topic.window_id}
    first = _card(client, community, topic, **live)
    assert "0 个赞" in first and topic.submitter.name in first
    services.endorsement_create(topic=topic, resident=neighbour)
    assert "1 个赞" in _card(client, community, topic, **live)
    services.comment_create(topic=topic, author=neighbour_user, body="同意")
    assert "1 条意见" in _card(client, community, topic, **live)
    Topic.objects.filter(pk=topic.pk).update(title="修好三号楼路灯")
    card = _card(client, community, topic, **live)
    assert "1 个赞" in card and "1 条意见" in card and "修好三号楼路灯" in card
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _card(client, community, topic, **live)
    assert "1 support" in english and "1 comment" in english


def test_a_card_shows_names_only_to_those_who_may_see_them(
    community, topic, resident_user, district_officer, login
):
    assert topic.submitter.name in _card(login(resident_user), community, topic)
    # The district office sees the topics, never who sent them.
    officer_card = _card(login(district_officer), community, topic)
    assert topic.title in officer_card and topic.submitter.name not in officer_card
