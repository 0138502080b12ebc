"""The community menu is rendered once per worker for each role, language and section."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from residents.templatetags.navigation import MENUS, NAVBARS
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def menu_labels(client, url) -> list[str]:
    html = client.get(url).content.decode()
    menu = html[html.index('id="mainnav"') : html.index("</nav>")]
    return re.findall(r'class="nav-link"[^>]*>([^<]+)</a>', menu)


def current_entry(client, url) -> list[str]:
    html = client.get(url).content.decode()
    return re.findall(r'aria-current="page">([^<]+)</a>', html)


def test_each_role_keeps_its_own_menu_after_another_role_rendered_it(
    login, community, staff_user, resident_user, district_officer
):
    home = reverse("residents:community_home", args=[community.slug])
    MENUS.clear()
    NAVBARS.clear()
    staff_menu = menu_labels(login(staff_user), home)
    resident_menu = menu_labels(login(resident_user), home)
    officer_menu = menu_labels(login(district_officer), home)
    assert "居民名册" in staff_menu and "发送情况" in staff_menu
    assert "居民名册" not in resident_menu and "发送情况" not in resident_menu
    assert "议题" in resident_menu
    assert "全区统计" in officer_menu and "全区统计" not in staff_menu
    # Rendered again from the memo, each still gets their own.
    assert menu_labels(login(resident_user), home) == resident_menu
    assert menu_labels(login(staff_user), home) == staff_menu


def test_a_role_granted_later_changes_the_menu_on_the_next_page(login, community):
    user = UserFactory()
    MembershipFactory(user=user, community=community, role="resident")
    client = login(user)
    home = reverse("residents:community_home", args=[community.slug])
    assert "居民名册" not in menu_labels(client, home)
    MembershipFactory(user=user, community=community, role="staff")
    assert "居民名册" in menu_labels(client, home)


def test_the_menu_follows_the_language_and_the_current_section(
    login, community, resident_user
):
    client = login(resident_user)
    topics = reverse("topics:topic_list", args=[community.slug])
    meetings = reverse("council:meetings", args=[community.slug])
    assert current_entry(client, topics) == ["议题"]
    assert current_entry(client, meetings) == ["会议"]
    client.cookies.load({"django_language": "en"})
    assert current_entry(client, topics) == ["Topics"]
    assert "Meetings" in menu_labels(client, topics)


def test_each_community_gets_its_own_links(login, community, other_community):
    user = UserFactory()
    for place in (community, other_community):
        MembershipFactory(user=user, community=place, role="resident")
    client = login(user)
    for place in (community, other_community):
        html = client.get(reverse("topics:topic_list", args=[place.slug])).content
        menu = html.decode().split('id="mainnav"')[1].split("</nav>")[0]
        assert reverse("council:meetings", args=[place.slug]) in menu


def test_the_memo_is_bounded():
    from core.fragments import FragmentMemo

    memo = FragmentMemo(size=3)
    for n in range(10):
        memo.get_or_render(n, lambda n=n: f"<li>{n}</li>")
    assert len(memo) == 3
    assert memo.get_or_render(9, lambda: "new") == "<li>9</li>"
    assert memo.get_or_render(0, lambda: "again") == "again"


def test_visitors_see_no_member_menu(community):
    html = Client().get(community.get_absolute_url(), follow=True).content.decode()
    assert (
        reverse("topics:topic_list", args=[community.slug])
        not in html.split("</nav>")[0]
    )
