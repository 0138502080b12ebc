"""The inbox's first pages are kept rendered per login and language
(notifications.selectors.INBOX_PAGES): whatever adds a notification or marks one
read forgets them when it commits, so the next visit shows the change; each
reader's forms carry their own CSRF token.

Each write runs its on-commit callbacks, as a real request's commit does. Each
case first opens the inbox, so it is kept, then writes, then opens it again.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from notifications import services
from notifications.models import Notification
from tests.factories import UserFactory
from tests.notifications.factories import NotificationFactory, tell
from tests.pages import kept_served, opened

pytestmark = pytest.mark.django_db
INBOX = reverse("notifications:inbox")


def inbox(user, query=""):
    return opened(user, INBOX + query)


def test_a_new_notification_shows_on_the_kept_inbox_at_once(resident_user, committed):
    NotificationFactory(user=resident_user, subject="议题已受理")
    assert "议题已受理" in inbox(resident_user)

    committed(tell, [resident_user])

    html = inbox(resident_user)
    assert "议事会明天开会" in html
    assert "共 2 条通知" in html


def test_marked_read_the_new_badge_goes_on_the_next_visit(resident_user, committed):
    notification = NotificationFactory(user=resident_user, subject="明天开会")
    assert "1 条未读" in inbox(resident_user)

    committed(
        services.notification_mark_read, notification=notification, user=resident_user
    )
    html = inbox(resident_user)
    assert "明天开会" in html and "条未读" not in html

    other = NotificationFactory(user=resident_user, subject="另一条")  # unannounced
    assert "另一条" not in inbox(resident_user)
    committed(services.notifications_mark_all_read, user=resident_user)
    html = inbox(resident_user)
    assert "另一条" in html and "条未读" not in html
    assert not Notification.objects.filter(pk=other.pk, read_at__isnull=True).exists()


def test_each_login_is_kept_apart(resident_user, staff_user, committed):
    NotificationFactory(user=resident_user, subject="王阿姨的通知")
    NotificationFactory(user=staff_user, subject="工作人员的通知")
    assert "王阿姨的通知" in inbox(resident_user)
    html = inbox(staff_user)
    assert "工作人员的通知" in html and "王阿姨的通知" not in html


def test_each_language_is_kept_apart(resident_user):
    NotificationFactory(user=resident_user, subject="明天开会")
    assert "共 1 条通知" in inbox(resident_user)
    client = Client(headers={"accept-language": "en"})
    client.force_login(resident_user)
    client.cookies["django_language"] = "en"
    english = client.get(INBOX).content.decode()
    assert "1 notification" in english and "共 1 条通知" not in english


def test_a_kept_page_carries_each_sessions_own_csrf_token(resident_user):
    """Phone and computer: the page kept for one works with the other's session."""
    notification = NotificationFactory(user=resident_user)
    for device in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(resident_user)
        html = client.get(INBOX).content.decode().split('id="inbox-list"')[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        answer = client.post(
            reverse("notifications:mark_read", args=[notification.pk]),
            {"csrfmiddlewaretoken": token},
        )
        assert answer.status_code == 302, device
        notification.read_at = None
        notification.save(update_fields=["read_at"])


def test_odd_links_are_built_each_time(resident_user):
    """Only the pages the links lead to are kept; the rest stay right, read live."""
    for n in range(30):
        NotificationFactory(user=resident_user, subject=f"第{n}条")
    assert "第 2 页，共 2 页" in inbox(resident_user, "?page=2")
    assert "第29条" in inbox(resident_user)
    NotificationFactory(user=resident_user, subject="最新一条")  # no service: unseen
    assert "最新一条" not in inbox(resident_user)
    # An odd link is built for its reader alone: it shows what is there now.
    assert "最新一条" in inbox(resident_user, "?page=1&from=sms")
    assert "最新一条" in inbox(resident_user, "?page=first")


def test_the_kept_inbox_costs_the_login_query_alone(
    resident_user, django_assert_max_num_queries
):
    for _ in range(30):
        NotificationFactory(user=resident_user)
    html = kept_served(resident_user, INBOX, django_assert_max_num_queries)
    assert "共 30 条通知" in html


def test_a_notice_to_many_forgets_every_inbox_in_one_go(community, committed):
    people = [UserFactory() for _ in range(3)]
    for person in people:
        assert "还没有通知。" in inbox(person)
    committed(tell, people)
    for person in people:
        assert "议事会明天开会" in inbox(person)
