"""The session's login is read with its memberships in one query
(residents.backends.MobileOrUsernameBackend.get_user): every member's page needs
both, and the rules of a login still hold."""

import pytest
from django.test import Client
from django.urls import reverse

from residents.backends import MobileOrUsernameBackend
from residents.predicates import roles_in
from residents.selectors import resident_for_user
from tests.factories import ResidentFactory, UserFactory
from tests.pages import kept_served

pytestmark = pytest.mark.django_db


def test_a_members_login_and_roles_cost_one_query(
    community, staff_user, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = MobileOrUsernameBackend().get_user(staff_user.pk)
        assert roles_in(user, community) == {"staff"}
        assert user.get_session_auth_hash() == staff_user.get_session_auth_hash()


def test_a_deactivated_member_is_logged_out_on_the_next_page(community, staff_user):
    client = Client()
    client.force_login(staff_user)
    home = reverse("residents:community_home", args=[community.slug])
    assert client.get(home).status_code == 200
    staff_user.is_active = False
    staff_user.save(update_fields=["is_active"])
    response = client.get(home)
    assert response.status_code == 302 and "public" in response["Location"]
    assert not response.wsgi_request.user.is_authenticated


def test_a_login_without_a_community_still_signs_in():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    page = client.get(reverse("home"))
    assert page.status_code == 200 and page.wsgi_request.user == user


def test_a_session_with_a_foreign_id_is_no_login():
    assert MobileOrUsernameBackend().get_user("not-a-number") is None
    assert MobileOrUsernameBackend().get_user(10**9) is None


def test_a_members_own_record_and_reminder_come_with_the_login(
    community, resident_user, django_assert_num_queries
):
    """The topic list's reminder toggle and "mine" read the record: no query more."""
    from topics.models import DeadlineReminderOptIn
    from topics.selectors import has_reminder

    record = resident_user.resident_records.get()
    DeadlineReminderOptIn.objects.create(resident=record)
    with django_assert_num_queries(1):
        user = MobileOrUsernameBackend().get_user(resident_user.pk)
        own = resident_for_user(user=user, community=community)
        assert own == record and own.user is user
        assert has_reminder(resident=own)


def test_staff_without_a_record_have_none_without_a_query(
    community, staff_user, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = MobileOrUsernameBackend().get_user(staff_user.pk)
        assert resident_for_user(user=user, community=community) is None


def test_a_record_where_the_login_is_no_member_is_still_found(
    community, other_community, resident_user
):
    """A record linked to the login in a community it has no role in is read."""
    elsewhere = ResidentFactory(community=other_community, user=resident_user)
    user = MobileOrUsernameBackend().get_user(resident_user.pk)
    assert resident_for_user(user=user, community=other_community) == elsewhere
    assert resident_for_user(user=user, community=community).community == community


def test_the_topic_list_of_a_resident_costs_the_login_query_alone(
    community, resident_user, django_assert_max_num_queries
):
    """Kept list, navigation and reminder toggle: the login's query is all."""
    url = reverse("topics:topic_list", args=[community.slug])
    html = kept_served(resident_user, url, django_assert_max_num_queries)
    assert 'name="enabled" value="1"' in html  # "Remind me"
