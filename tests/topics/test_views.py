"""Topic pages as people use them: Chinese text, permissions, query budgets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import Notification
from tests.factories import ResidentFactory
from tests.topics.conftest import HEIC_HEAD, make_jpeg
from tests.topics.factories import CollectionWindowFactory, TopicFactory
from topics import services
from topics.models import Comment, Endorsement, Topic, TopicCategory, TopicPhoto

pytestmark = pytest.mark.django_db


def url(name, community, **kwargs):
    return reverse(f"topics:{name}", kwargs={"community": community.slug, **kwargs})


@pytest.fixture
def window(community):
    return CollectionWindowFactory(community=community, title="11月议事会议")


@pytest.fixture
def topic(community, resident, window):
    return TopicFactory(community=community, submitter=resident, window=window)


def form_data(**extra):
    return {
        "title": "三号楼路灯坏了",
        "description": "晚上太黑，老人出门容易摔倒。",
        "category": TopicCategory.FACILITIES,
        "location": "三号楼东门",
        **extra,
    }


# -- list -----------------------------------------------------------------------


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
    with django_assert_max_num_queries(11) as small:
        response = client.get(url("topic_list", community), {"sort": sort})
    assert response.status_code == 200
    _bulk_topics(community, window, resident, 9990)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(
            url("topic_list", community),
            {"sort": sort, "page": 3, "status": "submitted"},
        )
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert (
        "10,000 个议题" in response.content.decode()
        or "10000 个议题" in response.content.decode()
    )


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


# -- submit -----------------------------------------------------------------------


def test_resident_submits_with_a_photo(
    community, window, resident, resident_user, login
):
    client = login(resident_user)
    page = client.get(url("topic_submit", community)).content.decode()
    assert "提交议题" in page and "11月议事会议" in page
    photo = SimpleUploadedFile("light.jpg", make_jpeg(), content_type="image/jpeg")
    response = client.post(url("topic_submit", community), form_data(photos=[photo]))
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url() + "?submitted=1"
    assert topic.window == window and topic.submitter == resident
    stored = TopicPhoto.objects.get(topic=topic)
    assert max(stored.width, stored.height) == 1600
    page = client.get(response["Location"]).content.decode()
    assert "三号楼路灯坏了" in page and stored.get_absolute_url() in page
    image = client.get(stored.get_absolute_url())
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_thirty_megabyte_upload_gets_a_clear_error_not_a_crash(
    community, window, resident_user, login
):
    big = SimpleUploadedFile(
        "big.jpg",
        b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024),
        content_type="image/jpeg",
    )
    response = login(resident_user).post(
        url("topic_submit", community), form_data(photos=[big])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "30.0" in page and "10.0" in page
    assert "三号楼路灯坏了" in page  # what was typed is kept
    assert not Topic.objects.exists()


def test_heic_and_non_image_uploads_are_explained(
    community, window, resident_user, login
):
    heic = SimpleUploadedFile("IMG_1.HEIC", HEIC_HEAD, content_type="image/heic")
    text = SimpleUploadedFile("note.jpg", b"hello", content_type="image/jpeg")
    response = login(resident_user).post(
        url("topic_submit", community), form_data(photos=[heic, text])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "HEIC" in page and "不是照片" in page
    assert not Topic.objects.exists()


def test_four_photos_are_refused(community, window, resident_user, login):
    photos = [
        SimpleUploadedFile(
            f"p{i}.jpg", make_jpeg(size=(50, 50)), content_type="image/jpeg"
        )
        for i in range(4)
    ]
    response = login(resident_user).post(
        url("topic_submit", community), form_data(photos=photos)
    )
    assert response.status_code == 200
    assert not Topic.objects.exists()


def test_blank_form_shows_errors_in_chinese(community, resident_user, login):
    response = login(resident_user).post(url("topic_submit", community), {})
    page = response.content.decode()
    assert "请检查下面标出的内容" in page


def test_staff_record_a_topic_for_an_offline_resident(
    community, window, staff_user, offline_resident, login
):
    client = login(staff_user)
    page = client.get(
        url("topic_record_choose", community), {"q": "张奶奶"}
    ).content.decode()
    assert "张奶奶" in page
    response = client.post(
        url("topic_record", community, resident_pk=offline_resident.pk), form_data()
    )
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert topic.submitter == offline_resident and topic.recorded_by == staff_user
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "由 林工作人员 代 张奶奶 登记" in page
    assert Notification.objects.filter(resident=offline_resident).exists()


def test_staff_cannot_record_for_a_resident_of_another_community(
    community, other_community, staff_user, login
):
    stranger = ResidentFactory(community=other_community)
    response = login(staff_user).get(
        url("topic_record", community, resident_pk=stranger.pk)
    )
    assert response.status_code == 404


def test_resident_cannot_record_for_others(
    community, offline_resident, resident_user, login
):
    response = login(resident_user).get(
        url("topic_record", community, resident_pk=offline_resident.pk)
    )
    assert response.status_code == 403


def test_edit_by_submitter_and_not_by_neighbour(
    community, topic, resident_user, neighbour_user, login, client
):
    client.force_login(neighbour_user)
    assert client.get(url("topic_edit", community, pk=topic.pk)).status_code == 403
    client.force_login(resident_user)
    response = client.post(
        url("topic_edit", community, pk=topic.pk), form_data(title="新标题")
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "新标题"


def test_withdraw_page(community, topic, resident_user, login):
    client = login(resident_user)
    assert (
        "撤回"
        in client.get(url("topic_withdraw", community, pk=topic.pk)).content.decode()
    )
    client.post(url("topic_withdraw", community, pk=topic.pk), {"reason": "已解决"})
    topic.refresh_from_db()
    assert topic.status == "withdrawn"


# -- deliberation -----------------------------------------------------------------


def test_endorse_with_htmx_returns_the_button_with_the_new_count(
    community, topic, neighbour_user, login
):
    client = login(neighbour_user)
    response = client.post(
        url("topic_endorse", community, pk=topic.pk),
        {"action": "endorse"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "你已点赞" in page and "· 1" in page and "<html" not in page
    response = client.post(
        url("topic_endorse", community, pk=topic.pk),
        {"action": "withdraw"},
        HTTP_HX_REQUEST="true",
    )
    assert "· 0" in response.content.decode()
    assert not Endorsement.objects.exists()


def test_endorse_without_javascript_redirects_back(
    community, topic, neighbour_user, login
):
    response = login(neighbour_user).post(
        url("topic_endorse", community, pk=topic.pk), {"action": "endorse"}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.endorsement_count == 1


def test_staff_without_resident_record_cannot_endorse(
    community, topic, staff_user, login
):
    response = login(staff_user).post(url("topic_endorse", community, pk=topic.pk))
    assert response.status_code == 403


def test_comment_and_reply_with_htmx(community, topic, neighbour_user, login):
    client = login(neighbour_user)
    response = client.post(
        url("comment_create", community, pk=topic.pk),
        {"body": "建议换成太阳能路灯", "kind": "suggestion"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "建议换成太阳能路灯" in page and "建议" in page and "1 条意见" in page
    first = Comment.objects.get()
    client.post(
        url("comment_create", community, pk=topic.pk),
        {"body": "同意楼上", "parent": first.pk},
    )
    assert Comment.objects.get(body="同意楼上").parent == first


def test_empty_comment_shows_error(community, topic, neighbour_user, login):
    response = login(neighbour_user).post(
        url("comment_create", community, pk=topic.pk),
        {"body": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "必填" in response.content.decode()
    assert not Comment.objects.exists()


def test_hidden_comment_shows_reason_in_its_place(
    community, topic, neighbour_user, resident_user, staff_user, login, client
):
    comment = services.comment_create(
        topic=topic, author=neighbour_user, body="广告：低价装修"
    )
    client.force_login(resident_user)
    client.post(url("comment_report", community, pk=comment.pk), {"reason": "广告"})
    client.force_login(staff_user)
    reports = client.get(url("report_list", community)).content.decode()
    assert "广告：低价装修" in reports
    response = client.post(
        url("comment_hide", community, pk=comment.pk), {"reason": "与议题无关的广告"}
    )
    assert response.status_code == 302
    client.force_login(resident_user)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "与议题无关的广告" in page
    assert "低价装修" not in page
    assert "社区工作人员隐藏" in page


def test_resident_cannot_hide_comments(
    community, topic, neighbour_user, resident_user, login
):
    comment = services.comment_create(topic=topic, author=neighbour_user, body="x")
    response = login(resident_user).post(
        url("comment_hide", community, pk=comment.pk), {"reason": "不喜欢"}
    )
    assert response.status_code == 403


def test_staff_of_another_community_cannot_hide(
    community, topic, neighbour_user, other_staff_user, login
):
    comment = services.comment_create(topic=topic, author=neighbour_user, body="x")
    response = login(other_staff_user).post(
        url("comment_hide", community, pk=comment.pk), {"reason": "x"}
    )
    assert response.status_code == 403


def test_photo_of_another_community_is_not_served(
    community, other_community, topic, other_staff_user, login
):
    from django.core.files.base import ContentFile

    photo = TopicPhoto.objects.create(
        topic=topic, image=ContentFile(make_jpeg(size=(20, 20)), name="a.jpg")
    )
    client = login(other_staff_user)
    assert client.get(url("photo", other_community, pk=photo.pk)).status_code == 404
    assert client.get(url("photo", community, pk=photo.pk)).status_code == 403


def test_detail_page_queries_do_not_grow_with_comments(
    community,
    topic,
    neighbour_user,
    resident_user,
    login,
    django_assert_max_num_queries,
):
    client = login(resident_user)
    services.comment_create(topic=topic, author=neighbour_user, body="1")
    with django_assert_max_num_queries(30) as few:
        client.get(topic.get_absolute_url())
    for i in range(20):
        parent = services.comment_create(
            topic=topic, author=neighbour_user, body=f"c{i}"
        )
        services.comment_create(
            topic=topic, author=resident_user, body="r", parent=parent
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(topic.get_absolute_url())


def test_history_tells_the_story(community, topic, staff_user, resident_user, login):
    services.topic_accept(
        topic=topic, by=staff_user, meeting="11月议事会议", link="/c/tingtang/council/"
    )
    page = login(resident_user).get(topic.get_absolute_url()).content.decode()
    assert "列入议程" in page and "11月议事会议" in page


def test_reminder_opt_in_from_the_form(community, resident, resident_user, login):
    client = login(resident_user)
    client.post(url("reminder_toggle", community), {"enabled": "1"})
    assert resident.topic_reminder_opt_in
    page = client.get(url("topic_submit", community)).content.decode()
    assert "停止提醒" in page
    response = client.post(
        url("reminder_toggle", community), {"enabled": "0", "next": "//evil.example/"}
    )
    assert response["Location"] == url("topic_list", community)


def test_consultation_page_for_social_worker(
    community, topic, staff_user, social_worker, neighbour, login, resident_user
):
    services.topic_accept(topic=topic, by=staff_user)
    client = login(social_worker)
    response = client.post(
        url("consultation_create", community, pk=topic.pk),
        {
            "stakeholder_kind": "resident",
            "resident": f"{neighbour.name} {neighbour.mobile}",
            "consulted_at": "2026-11-20T10:00",
            "position": "concerns",
            "notes": "担心噪音",
            "proposed_direction": "白天施工",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "担心噪音" in page and "有顾虑: 1" in page
    client.force_login(resident_user)
    assert (
        client.get(url("consultation_create", community, pk=topic.pk)).status_code
        == 403
    )


def test_consultation_form_needs_the_chosen_stakeholder(
    community, topic, staff_user, social_worker, login
):
    services.topic_accept(topic=topic, by=staff_user)
    response = login(social_worker).post(
        url("consultation_create", community, pk=topic.pk),
        {
            "stakeholder_kind": "outside",
            "consulted_at": "2026-11-20T10:00",
            "position": "supports",
        },
    )
    assert response.status_code == 200
    assert "写下外部相关方的名称" in response.content.decode()


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


def test_consultation_finds_the_resident_by_name_or_asks_for_the_mobile(
    community, topic, staff_user, social_worker, login
):
    services.topic_accept(topic=topic, by=staff_user)
    client = login(social_worker)
    data = {
        "stakeholder_kind": "resident",
        "consulted_at": "2026-11-20T10:00",
        "position": "supports",
    }
    ResidentFactory(community=community, name="林秀英", building="3")
    ResidentFactory(community=community, name="林秀英", building="8")
    unique = ResidentFactory(community=community, name="陈建国")
    response = client.post(
        url("consultation_create", community, pk=topic.pk),
        {**data, "resident": "林秀英"},
    )
    # A social worker sees masked numbers: the name and the number, then.
    assert "请在姓名后加上其手机号" in response.content.decode()
    response = client.post(
        url("consultation_create", community, pk=topic.pk),
        {**data, "resident": "无此人"},
    )
    assert "本社区没有名为或手机号为 无此人 的居民" in response.content.decode()
    response = client.post(
        url("consultation_create", community, pk=topic.pk),
        {**data, "resident": "陈建国"},
    )
    assert response.status_code == 302
    assert topic.consultations.get().resident == unique


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


def test_comment_with_a_bad_parent_is_a_form_error(
    community, topic, neighbour_user, login
):
    response = login(neighbour_user).post(
        url("comment_create", community, pk=topic.pk), {"body": "hi", "parent": "abc"}
    )
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_edit_page_lists_photos_to_remove(community, topic, resident_user, login):
    from django.core.files.base import ContentFile

    photo = TopicPhoto.objects.create(
        topic=topic, image=ContentFile(make_jpeg(size=(20, 20)), name="a.jpg")
    )
    client = login(resident_user)
    page = client.get(url("topic_edit", community, pk=topic.pk)).content.decode()
    assert "删除照片" in page and "第 1 张照片" in page
    response = client.post(
        url("topic_edit", community, pk=topic.pk),
        form_data(remove_photos=[str(photo.pk)]),
    )
    assert response.status_code == 302
    assert not topic.photos.exists()
