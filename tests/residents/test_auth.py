import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_by_mobile_number_with_spaces_and_country_code(client):
    UserFactory(mobile="13812345678")
    response = client.post(
        reverse("login"), {"username": "+86 138 1234 5678", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_login_by_username(client):
    UserFactory(username="linxiaoming", mobile=None)
    response = client.post(
        reverse("login"), {"username": "linxiaoming", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_password_shows_error_in_chinese(client):
    UserFactory(mobile="13812345678")
    response = client.post(
        reverse("login"), {"username": "13812345678", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "密码" in response.content.decode()
