"""The navbar's menus are rendered once per worker for each set of inputs that
decides them (residents.templatetags.navigation.nav_menus); each page still gets
its own address in the language switch and each reader their own CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from residents.templatetags.navigation import NAVBARS

pytestmark = pytest.mark.django_db


def navbar(html: str) -> str:
    return html[html.index('id="mainnav"') : html.index("</nav>")]


def test_the_language_switch_returns_each_page_to_itself(
    login, community, resident_user
):
    NAVBARS.clear()
    client = login(resident_user)
    topics = reverse("topics:topic_list", args=[community.slug])
    first = navbar(client.get(f"{topics}?q=lamp&sort=new").content.decode())
    second = navbar(client.get(f'{topics}?q="><b>').content.decode())
    assert len(NAVBARS) == 1  # one navbar served both
    assert f'name="next" type="hidden" value="{topics}?q=lamp&amp;sort=new"' in first
    assert f'value="{topics}?q=%22%3E%3Cb%3E"' in second
    assert "<b>" not in second


def test_each_reader_gets_their_own_working_csrf_token(
    community, resident_user, staff_user
):
    home = reverse("residents:community_home", args=[community.slug])
    tokens = []
    for user in (resident_user, resident_user, staff_user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        menus = navbar(client.get(home).content.decode())
        (token,) = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', menus))
        tokens.append(token)
        switched = client.post(
            reverse("set_language"),
            {"language": "en", "next": home, "csrfmiddlewaretoken": token},
        )
        assert switched.status_code == 302
        assert "Log out" in client.get(home).content.decode()
    assert len(set(tokens)) == 3


def test_a_visitor_and_a_member_each_get_their_own_navbar(
    client, login, community, resident_user
):
    public = reverse("residents:community_public", args=[community.slug])
    visitor = navbar(client.get(public).content.decode())
    member = navbar(login(resident_user).get(public).content.decode())
    assert "登录" in visitor and "退出登录" not in visitor
    assert "退出登录" in member and "我的资料" in member
