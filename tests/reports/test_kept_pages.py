"""The dashboard and the district page are kept rendered (reports.kept): the
dashboard per community, month, language and viewer until its month is counted
again, ten minutes on (the page says so); both until the night's snapshots, which
show on the next visit. Everything happens in November 2026 (tests.reports.conftest).
"""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reports.services import snapshots_make
from residents.models import Role
from tests.factories import DistrictFactory
from tests.reports.conftest import at
from tests.reports.test_views import _user, dashboard, district_url

pytestmark = pytest.mark.django_db


def officer_of(district):
    return _user(Role.DISTRICT_OFFICER, district=district)


def served(user, url) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    return page.content.decode()


def test_a_kept_dashboard_costs_the_login_alone(
    town, frozen, django_assert_max_num_queries
):
    client = Client()
    client.force_login(town.staff)
    first = client.get(dashboard(town.community)).content.decode()
    with django_assert_max_num_queries(2):  # the session and the login
        again = client.get(dashboard(town.community)).content.decode()
    assert 'data-testid="figure-participation">60.0%' in again
    main = first[first.index("<main") : first.index("</main>")]
    assert main in again


def test_a_kept_district_page_costs_the_login_and_the_districts_communities(
    town, frozen, committed, django_assert_max_num_queries
):
    """The officer's district and their right to it come with the login's
    memberships; the navigation's list of their communities is one query."""
    officer = officer_of(town.community.district)
    committed(snapshots_make, month=date(2026, 11, 1))
    client = Client()
    client.force_login(officer)
    url = district_url(town.community.district, month="2026-11")
    client.get(url)
    with django_assert_max_num_queries(3):  # the session, the login, communities
        again = client.get(url).content.decode()
    assert "东峤社区" in again
    other = client.get(district_url(DistrictFactory(name="涵江区"), month="2026-11"))
    assert other.status_code == 403


def test_the_nights_snapshots_show_on_the_dashboard_and_the_district_page(
    town, frozen, committed
):
    officer = officer_of(town.community.district)
    district_page = district_url(town.community.district, month="2026-11")
    not_counted = "月度数据每晚统计；尚未统计。"
    assert not_counted in served(town.staff, dashboard(town.community))  # kept now
    assert "本月尚未统计" in served(officer, district_page)
    committed(snapshots_make, month=date(2026, 11, 1))
    assert not_counted not in served(town.staff, dashboard(town.community))
    html = served(officer, district_page)
    assert "本月尚未统计" not in html and "东峤社区" in html


def test_the_dashboard_is_counted_again_ten_minutes_on(town, committed):
    """A write no service announces (a rename in the admin) shows once the month
    is counted again, as the page says: ten minutes after it was counted, even
    when the page was built again since."""
    from council.models import Meeting

    meeting = Meeting.objects.filter(community=town.community).first()
    with time_machine.travel(at(28), tick=False):
        assert meeting.title in served(town.staff, dashboard(town.community))
    with time_machine.travel(at(28) + timedelta(minutes=5), tick=False):
        committed(snapshots_make, month=date(2026, 10, 1))  # built again, same count
        assert meeting.title in served(town.staff, dashboard(town.community))
        Meeting.objects.filter(pk=meeting.pk).update(title="改名后的议事会")
    with time_machine.travel(at(28) + timedelta(minutes=10, seconds=1), tick=False):
        assert "改名后的议事会" in served(town.staff, dashboard(town.community))


def test_odd_addresses_are_built_for_their_reader(town, frozen, committed):
    officer = officer_of(town.community.district)
    committed(snapshots_make, month=date(2026, 11, 1))
    district = town.community.district
    for query in ({"sort": "bogus"}, {"page": "x"}, {"month": "2026-11", "x": "1"}):
        assert "东峤社区" in served(officer, district_url(district, **query))
    typed = reverse("reports:dashboard", args=[town.community.slug]) + "?month=1999-01"
    assert served(town.staff, typed)
