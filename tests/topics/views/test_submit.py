"""Submitting and editing topics: photos, errors, recording for others, withdrawing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Notification
from tests.factories import ResidentFactory
from tests.topics.conftest import HEIC_HEAD, make_jpeg
from topics.models import Topic, TopicPhoto

from .helpers import form_data, url

pytestmark = pytest.mark.django_db


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
