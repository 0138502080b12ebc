"""Wrong passwords pause logging in for a while (django-axes), site and admin alike.

Issue 8, item 3: thirty wrong passwords, then the right one logged in. Now, after
AXES_FAILURE_LIMIT wrong passwords for one name from one address, that name waits
AXES_COOLOFF_TIME from that address, and the login page says why.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
START = "2026-11-20 10:00 +0800"
PAUSED = "密码错误次数太多"


@pytest.fixture(autouse=True)
def throttling(settings):
    """The production configuration (pytest runs with axes off by default)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def test_axes_is_configured_with_a_cool_off_not_a_permanent_lockout():
    assert django_settings.AUTHENTICATION_BACKENDS[0] == (
        "axes.backends.AxesStandaloneBackend"
    )
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert timedelta(minutes=15) == django_settings.AXES_COOLOFF_TIME
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def post(client, path, username, password, **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_pause_the_login_until_the_cool_off_ends(client):
    login = reverse("login")
    with time_machine.travel(START, tick=False) as clock:
        UserFactory(mobile=MOBILE)
        for _ in range(4):
            response = post(client, login, MOBILE, "wrong")
            assert response.status_code == 200
            assert PAUSED not in response.content.decode()
        response = post(client, login, MOBILE, "wrong")
        assert response.status_code == 429
        assert PAUSED in response.content.decode()

        clock.shift(timedelta(minutes=14, seconds=59))
        response = post(client, login, MOBILE, PASSWORD)
        assert response.status_code == 429
        html = response.content.decode()
        assert PAUSED in html and "15 分钟" in html
        assert f'value="{MOBILE}"' in html  # what was typed is kept
        assert "_auth_user_id" not in client.session

        clock.shift(timedelta(seconds=2))
        response = post(client, login, MOBILE, PASSWORD)
        assert response.status_code == 302
        assert "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client):
    login = reverse("login")
    with time_machine.travel(START, tick=False):
        UserFactory(mobile=MOBILE)
        for _ in range(30):
            post(client, login, MOBILE, "wrong")
        response = post(client, login, MOBILE, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_ways_of_typing_one_number_count_together(client):
    login = reverse("login")
    with time_machine.travel(START, tick=False):
        UserFactory(mobile=MOBILE)
        for typed in ("138 1234 5678", "+86 13812345678", "138-1234-5678", MOBILE):
            post(client, login, typed, "wrong")
        post(client, login, "0086 138 1234 5678", "wrong")
        response = post(client, login, MOBILE, PASSWORD)
    assert response.status_code == 429


def test_another_address_is_not_paused(client):
    login = reverse("login")
    with time_machine.travel(START, tick=False):
        UserFactory(mobile=MOBILE)
        for _ in range(5):
            post(client, login, MOBILE, "wrong", REMOTE_ADDR="10.0.0.1")
        assert (
            post(client, login, MOBILE, PASSWORD, REMOTE_ADDR="10.0.0.1").status_code
            == 429
        )
        response = post(client, login, MOBILE, PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    login = reverse("login")
    with time_machine.travel(START, tick=False):
        UserFactory(mobile=MOBILE)
        for spoofed in range(5):
            post(
                client,
                login,
                MOBILE,
                "wrong",
                REMOTE_ADDR="10.0.0.254",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{spoofed}, 203.0.113.7",
            )
        # What the client puts in front does not matter; the proxy's entry does.
        paused = post(
            client,
            login,
            MOBILE,
            PASSWORD,
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        other = post(
            client,
            login,
            MOBILE,
            PASSWORD,
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="203.0.113.8",
        )
    assert paused.status_code == 429
    assert other.status_code == 302


def test_the_message_is_in_the_persons_language(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    login = reverse("login")
    with time_machine.travel(START, tick=False):
        UserFactory(mobile=MOBILE)
        for _ in range(5):
            post(client, login, MOBILE, "wrong")
        response = post(client, login, MOBILE, PASSWORD)
    html = response.content.decode()
    assert "Too many wrong passwords" in html
    assert "paused for 15 minutes" in html
    assert '<html lang="en"' in html


def test_the_admin_login_is_paused_too(client):
    login = reverse("admin:login")
    with time_machine.travel(START, tick=False) as clock:
        UserFactory(username="root", is_staff=True, is_superuser=True)
        for _ in range(5):
            post(client, login, "root", "wrong")
        response = post(client, login, "root", PASSWORD)
        assert response.status_code == 429
        html = response.content.decode()
        assert PAUSED in html
        assert 'id="login-form"' in html  # the admin's own login page
        assert "_auth_user_id" not in client.session

        clock.shift(timedelta(minutes=15, seconds=1))
        response = post(client, login, "root", PASSWORD)
        # Asked while the clock is still frozen: the session lasts two weeks.
        assert response.status_code == 302
        assert "_auth_user_id" in client.session


def test_a_success_clears_the_count(client):
    login = reverse("login")
    with time_machine.travel(START, tick=False):
        UserFactory(mobile=MOBILE)
        for _ in range(4):
            post(client, login, MOBILE, "wrong")
        assert post(client, login, MOBILE, PASSWORD).status_code == 302
        client.logout()
        for _ in range(4):
            post(client, login, MOBILE, "wrong")
        response = post(client, login, MOBILE, PASSWORD)
    assert response.status_code == 302
