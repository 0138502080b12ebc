"""Topic search finds two-character Chinese words (路灯, 停车, 养老), on SQLite by
substring and on PostgreSQL through the pairs index (topics.search)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from topics.models import Topic
from topics.search import query_pairs, search_terms

from .factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_text_is_kept_as_overlapping_pairs_of_chinese_characters():
    assert search_terms("路灯坏了", "3号楼 lamp") == "路灯 灯坏 坏了 号楼"
    assert search_terms("养老", "养老服务") == "养老 老服 服务"
    assert query_pairs("停车") == ["停车"]
    assert query_pairs("灯") == []  # one character: the substring test alone
    assert query_pairs("lamp") == []


@pytest.fixture
def topics(community):
    made = {
        "lamp": TopicFactory(
            community=community, title="三号楼路灯不亮", description="晚上看不见。"
        ),
        "parking": TopicFactory(
            community=community, title="小区停车太乱", description="车停在消防通道上。"
        ),
        "elderly": TopicFactory(
            community=community,
            title="社区食堂",
            description="希望办一个养老食堂，给独居老人送饭。",
        ),
        "other": TopicFactory(
            community=community, title="垃圾分类", description="垃圾桶不够用。"
        ),
    }
    return made


def _found(community, query):
    return set(Topic.objects.filter(community=community).search(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [("路灯", {"lamp"}), ("停车", {"parking"}), ("养老", {"elderly"})],
)
def test_two_character_words_find_title_and_description(
    community, topics, query, expected
):
    assert _found(community, query) == {topics[key] for key in expected}


def test_pairs_apart_do_not_match_a_word(community, topics):
    # 垃圾 and 分类 are both in "垃圾分类", but "圾分类垃" is not.
    assert _found(community, "圾分类垃") == set()
    assert _found(community, "垃圾分类") == {topics["other"]}


def test_one_character_and_mixed_queries_still_find(community, topics):
    assert _found(community, "灯") == {topics["lamp"]}
    assert _found(community, "三号楼路灯") == {topics["lamp"]}


def test_an_edited_title_is_found_by_its_new_words(community, topics):
    topic = topics["other"]
    topic.title = "电梯坏了"
    topic.save(update_fields=["title"])
    assert Topic.objects.get(pk=topic.pk).search_terms.startswith("电梯 梯坏 坏了")
    assert _found(community, "电梯") == {topic}


def test_topic_list_search_finds_two_character_word(
    login, resident_user, community, topics
):
    response = login(resident_user).get(
        reverse("topics:topic_list", args=[community.slug]), {"q": "停车"}
    )
    content = response.content.decode()
    assert "小区停车太乱" in content
    assert "三号楼路灯不亮" not in content


@pytest.mark.postgres
def test_postgresql_search_uses_the_pairs_index(community, topics):
    """The query asks the GIN index, then keeps exact matches only."""
    with CaptureQueriesContext(connection) as captured:
        assert _found(community, "养老") == {topics["elderly"]}
    sql = captured.captured_queries[-1]["sql"]
    assert "to_tsvector" in sql and "@@" in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'topic_search_terms_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "simple" in definition


@pytest.mark.postgres
@pytest.mark.parametrize("query", ["路灯", "停车", "养老"])
def test_postgresql_finds_two_character_words(community, topics, query):
    found = _found(community, query)
    assert len(found) == 1
    assert query in next(iter(found)).title + next(iter(found)).description
