"""One-time codes work once, and only until ONE_TIME_CODE_HOURS have passed.

Issue 8, item 4: a code from staff never expired and opened the login again and
again until the person chose a password.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from residents import services
from residents.models import User
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

MOBILE = "13859007777"
START = "2026-11-20 10:00 +0800"


def log_in(client, password):
    return client.post(reverse("login"), {"username": MOBILE, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("after", "works"),
    [
        (timedelta(hours=72, seconds=-1), True),
        (timedelta(hours=72), False),
        (timedelta(hours=72, minutes=1), False),
    ],
)
def test_a_code_works_until_one_time_code_hours_have_passed(
    client, community, settings, after, works
):
    settings.ONE_TIME_CODE_HOURS = 72
    with time_machine.travel(START, tick=False) as clock:
        resident = ResidentFactory(community=community, mobile=MOBILE)
        code = services.resident_login_create(resident=resident).code
        clock.shift(after)
        response = log_in(client, code)
        # Asked while the clock is still frozen: the session lasts two weeks.
        assert logged_in(client) is works
    if not works:
        assert response.status_code == 200
        assert "验证码已过期" in response.content.decode()


def test_the_expiry_follows_the_setting(client, community, settings):
    settings.ONE_TIME_CODE_HOURS = 2
    with time_machine.travel(START, tick=False) as clock:
        resident = ResidentFactory(community=community, mobile=MOBILE)
        given = services.resident_login_create(resident=resident)
        assert given.expires_at == timezone.now() + timedelta(hours=2)
        clock.shift(timedelta(hours=2))
        log_in(client, given.code)
    assert not logged_in(client)


def test_the_code_page_says_until_when(login, staff_user, community, settings):
    settings.ONE_TIME_CODE_HOURS = 72
    with time_machine.travel(START, tick=False):
        resident = ResidentFactory(community=community, mobile=MOBILE)
        response = login(staff_user).post(
            reverse(
                "residents:resident_login_create",
                kwargs={"community": community.slug, "pk": resident.pk},
            )
        )
    assert "2026年11月23日 星期一 10:00" in response.content.decode()


def test_a_code_works_once(client, community):
    resident = ResidentFactory(community=community, mobile=MOBILE)
    code = services.resident_login_create(resident=resident).code
    log_in(client, code)
    assert logged_in(client)
    client.logout()  # before choosing a password
    response = log_in(client, code)
    assert response.status_code == 200
    assert not logged_in(client)
    # The person who used it still chooses a password within the first session.
    user = User.objects.get(mobile=MOBILE)
    assert user.must_change_password


def test_the_session_that_used_the_code_can_choose_a_password(client, community):
    resident = ResidentFactory(community=community, mobile=MOBILE)
    code = services.resident_login_create(resident=resident).code
    log_in(client, code)
    response = client.post(
        reverse("password_set"),
        {"new_password1": "Tingtang-2026!", "new_password2": "Tingtang-2026!"},
    )
    assert response.status_code == 302
    client.logout()
    log_in(client, "Tingtang-2026!")
    assert logged_in(client)
    user = User.objects.get(mobile=MOBILE)
    assert user.one_time_code_expires_at is None
    assert not user.must_change_password


@pytest.mark.parametrize(
    ("after", "works"),
    [(timedelta(hours=72, seconds=-1), True), (timedelta(hours=72), False)],
)
def test_a_reset_code_expires_and_works_once_too(
    client, login, staff_user, community, settings, after, works
):
    settings.ONE_TIME_CODE_HOURS = 72
    with time_machine.travel(START, tick=False) as clock:
        resident = ResidentFactory(community=community, mobile=MOBILE)
        first = services.resident_login_create(resident=resident).code
        log_in(client, first)
        client.post(
            reverse("password_set"),
            {"new_password1": "Tingtang-2026!", "new_password2": "Tingtang-2026!"},
        )
        client.logout()
        html = (
            login(staff_user)
            .post(
                reverse(
                    "residents:resident_password_reset",
                    kwargs={"community": community.slug, "pk": resident.pk},
                )
            )
            .content.decode()
        )
        code = re.search(r'id="one-time-code">([A-Z0-9]+)<', html).group(1)
        client.logout()
        clock.shift(after)
        log_in(client, code)
        assert logged_in(client) is works
        if works:
            client.logout()
            log_in(client, code)
            assert not logged_in(client)
