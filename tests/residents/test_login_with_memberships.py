"""The session's login is read with its memberships in one query
(residents.backends.MobileOrUsernameBackend.get_user): every member's page needs
both, and the rules of a login still hold."""

import pytest
from django.test import Client
from django.urls import reverse

from residents.backends import MobileOrUsernameBackend
from residents.predicates import roles_in
from tests.factories import UserFactory

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
