"""The inbox: list, unread badge, mark read (htmx and plain), open, preferences."""

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationPreference
from tests.notifications.factories import NotificationFactory, tell

pytestmark = pytest.mark.django_db
INBOX = reverse("notifications:inbox")


def make(user, n=1, **kwargs):
    return [NotificationFactory(user=user, **kwargs) for _ in range(n)]


def test_inbox_lists_own_notifications_newest_first_in_chinese(
    login, resident_user, staff_user
):
    make(resident_user, subject="议题已受理")
    make(resident_user, subject="明天开会")
    make(staff_user, subject="别人的通知")

    response = login(resident_user).get(INBOX)

    text = response.content.decode()
    assert response.status_code == 200
    assert "消息中心" in text
    assert text.index("明天开会") < text.index("议题已受理")
    assert "别人的通知" not in text
    assert "共 2 条通知" in text
    assert "2 条未读" in text


def test_inbox_empty_state(login, resident_user):
    response = login(resident_user).get(INBOX)
    assert "还没有通知。" in response.content.decode()


def test_inbox_needs_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("count", [3, 60])
def test_inbox_paginates_with_bounded_queries(
    login, resident_user, count, django_assert_max_num_queries
):
    make(resident_user, count)
    client = login(resident_user)
    with django_assert_max_num_queries(12):
        response = client.get(INBOX)
    assert len(response.context["page_obj"].object_list) == min(count, 25)
    if count > 25:
        page3 = client.get(INBOX, {"page": 3})
        assert len(page3.context["page_obj"].object_list) == count - 50
        assert "第 3 页，共 3 页" in page3.content.decode()


def test_nav_badge_shows_unread_count_and_polls(login, resident_user):
    make(resident_user, 3)
    make(resident_user, 1, read_at="2026-11-20T10:00:00+08:00")
    client = login(resident_user)

    page = client.get(INBOX).content.decode()
    assert 'id="nav-inbox"' in page
    assert 'data-unread="3"' in page
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'data-unread="3"' in badge
    assert 'hx-trigger="every 45s, notifications-changed from:body"' in badge
    assert "消息中心，3 条未读" in badge


def test_badge_kept_between_pages_follows_new_and_read_notifications(
    login, resident_user, staff_user, django_capture_on_commit_callbacks
):
    from notifications.services import notifications_mark_all_read

    client = login(resident_user)
    badge = reverse("notifications:badge")
    assert "data-unread" not in client.get(badge).content.decode()
    # The count is kept between requests: a new notification must replace it.
    with django_capture_on_commit_callbacks(execute=True):
        tell([resident_user, staff_user], key="meeting:9:reminder")
    assert 'data-unread="1"' in client.get(badge).content.decode()
    assert 'data-unread="1"' in client.get(INBOX).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_all_read(user=resident_user)
    assert "data-unread" not in client.get(badge).content.decode()
    # The other recipient's badge counts theirs.
    assert 'data-unread="1"' in login(staff_user).get(badge).content.decode()


def test_badge_without_unread_shows_no_number(login, resident_user):
    badge = login(resident_user).get(reverse("notifications:badge")).content.decode()
    assert "data-unread" not in badge


def test_mark_read_with_htmx_returns_the_item_and_signals_the_badge(
    login, resident_user
):
    (n,) = make(resident_user)
    response = login(resident_user).post(
        reverse("notifications:mark_read", args=[n.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert "标为已读" not in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_plain_form_redirects_back(login, resident_user):
    (n,) = make(resident_user)
    response = login(resident_user).post(
        reverse("notifications:mark_read", args=[n.pk]), {"next": f"{INBOX}?page=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?page=1"
    assert Notification.objects.get(pk=n.pk).read_at is not None


def test_mark_read_refuses_get_and_others_notifications(
    login, resident_user, staff_user
):
    (mine,) = make(resident_user)
    (theirs,) = make(staff_user)
    client = login(resident_user)
    assert (
        client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code
        == 405
    )
    response = client.post(reverse("notifications:mark_read", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_plain_and_htmx(login, resident_user, staff_user):
    make(resident_user, 4)
    make(staff_user, 2)
    client = login(resident_user)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 4 条通知标为已读。" in response.content.decode()
    assert Notification.objects.filter(user=resident_user, read_at=None).count() == 0
    assert Notification.objects.filter(user=staff_user, read_at=None).count() == 2

    make(resident_user, 1)
    response = client.post(
        reverse("notifications:mark_all_read"), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Trigger"] == "notifications-changed"
    assert 'id="inbox-list"' in response.content.decode()
    assert "已将 1 条通知标为已读。" in response.content.decode()


def test_following_a_notification_marks_it_read_and_goes_to_its_link(
    login, resident_user
):
    (n,) = make(resident_user, link="/c/tingtang/topics/7/")
    response = login(resident_user).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/c/tingtang/topics/7/"
    assert Notification.objects.get(pk=n.pk).read_at is not None


def test_a_link_to_another_site_is_not_followed(login, resident_user):
    (n,) = make(resident_user, link="https://evil.example.com/")
    response = login(resident_user).get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == INBOX


def test_opening_someone_elses_notification_is_404(login, resident_user, staff_user):
    (theirs,) = make(staff_user)
    response = login(resident_user).get(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404


def test_preferences_are_saved_for_the_user(login, resident_user):
    client = login(resident_user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "夜间不发短信" in page

    response = client.post(
        reverse("notifications:preferences"),
        {"email_enabled": "on", "sms_quiet_hours": "on", "daily_digest": "on"},
        follow=True,
    )
    assert "您的通知方式已保存。" in response.content.decode()
    pref = NotificationPreference.objects.get(user=resident_user)
    assert (pref.email_enabled, pref.sms_enabled, pref.daily_digest) == (
        True,
        False,
        True,
    )


def test_inbox_in_english(login, english_user):
    make(english_user, subject="Meeting tomorrow")
    page = login(english_user).get(INBOX).content.decode()
    assert "Inbox" in page
    assert "Mark all read" in page


def test_badge_after_logout_stops_polling_instead_of_showing_login(client):
    response = client.get(reverse("notifications:badge"), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert response.content == b""
