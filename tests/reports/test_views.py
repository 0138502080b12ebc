"""Who sees which figures: staff their community, district officers their district."""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.services import snapshots_make
from residents.models import Role
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    ResidentFactory,
    UserFactory,
)
from tests.reports.conftest import at

pytestmark = pytest.mark.django_db


def _user(role, *, community=None, district=None):
    user = UserFactory()
    MembershipFactory(user=user, community=community, district=district, role=role)
    return user


def dashboard(community, month="2026-11"):
    return reverse("reports:dashboard", args=[community.slug]) + f"?month={month}"


def district_url(district, **query):
    url = reverse("reports:district", args=[district.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_staff_see_their_dashboard_with_definitions(client, town, frozen):
    client.force_login(town.staff)
    response = client.get(dashboard(town.community))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="figure-participation">60.0%' in html
    assert 'data-testid="figure-awareness">60.0%' in html
    assert 'data-testid="figure-sms">40.0%' in html
    assert "参与度" in html and "知晓率" in html
    assert 'id="chart-acts-data" type="application/json"' in html
    assert "vendor/echarts/echarts.min.js" in html


def test_the_dashboard_counts_overdue_items_at_the_end_of_the_chosen_month(
    client, town
):
    client.force_login(town.staff)
    # 2 December: the bulbs (due 20 November) are still not bought.
    with time_machine.travel(at(2, month=12), tick=False):
        october = client.get(dashboard(town.community, "2026-10")).content.decode()
        november = client.get(dashboard(town.community, "2026-11")).content.decode()
    assert 'data-testid="figure-overdue">0<' in october
    assert 'data-testid="figure-overdue">1<' in november
    assert "逾期后才完成的事项，计入它逾期的每个月" in november


def test_the_months_figures_are_kept_ten_minutes_and_say_when(client, town, frozen):
    from tests.factories import ResidentFactory as Resident

    client.force_login(town.staff)
    cache.clear()
    first = client.get(dashboard(town.community)).content.decode()
    assert 'data-testid="figure-participation">60.0%' in first
    Resident(community=town.community)  # six residents now
    assert 'data-testid="figure-participation">60.0%' in (
        client.get(dashboard(town.community)).content.decode()
    )
    cache.clear()
    assert 'data-testid="figure-participation">50.0%' in (
        client.get(dashboard(town.community)).content.decode()
    )
    assert "counted again every ten minutes" in first or "每十分钟" in first


@pytest.mark.parametrize("role", [Role.RESIDENT, None])
def test_residents_and_strangers_get_no_dashboard(client, town, role):
    user = UserFactory()
    if role:
        MembershipFactory(user=user, community=town.community, role=role)
    client.force_login(user)
    assert client.get(dashboard(town.community)).status_code == 403


def test_staff_of_another_community_get_403_and_unknown_404(client, town):
    client.force_login(_user(Role.STAFF, community=town.other))
    assert client.get(dashboard(town.community)).status_code == 403
    response = client.get(reverse("reports:dashboard", args=["nowhere"]))
    assert response.status_code == 404


def test_district_officers_get_no_community_dashboard(client, town):
    officer = _user(Role.DISTRICT_OFFICER, district=town.community.district)
    client.force_login(officer)
    assert client.get(dashboard(town.community)).status_code == 403
    exports = reverse("reports:exports", args=[town.community.slug])
    assert client.get(exports).status_code == 403


def test_district_officer_sees_aggregates_of_their_communities(client, town, frozen):
    snapshots_make(month=date(2026, 11, 1))
    officer = _user(Role.DISTRICT_OFFICER, district=town.community.district)
    client.force_login(officer)
    response = client.get(district_url(town.community.district, month="2026-11"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "汀塘社区" in html and "东峤社区" in html
    assert "60.0%" in html and "100.0%" in html
    assert 'data-testid="freshness"' in html
    # Aggregates only: no resident, no link to a person or a community's pages.
    for name in ("阿英", "伯伯", "婶婶", "大东", "小闲", "外村人"):
        assert name not in html
    assert "/residents/" not in html


def test_district_view_sorts_by_any_column(client, town, frozen):
    snapshots_make(month=date(2026, 11, 1))
    client.force_login(_user(Role.DISTRICT_OFFICER, district=town.community.district))
    district = town.community.district
    html = client.get(
        district_url(district, month="2026-11", sort="participation", dir="desc")
    ).content.decode()
    assert html.index("东峤社区") < html.index("汀塘社区")  # 100% before 60%
    html = client.get(
        district_url(district, month="2026-11", sort="residents", dir="desc")
    ).content.decode()
    table = html[html.index('data-testid="district-table"') :]
    assert table.index("汀塘社区") < table.index("东峤社区")  # 5 before 1


def test_district_officer_of_another_district_is_refused(client, town):
    elsewhere = DistrictFactory(name="城厢区")
    officer = _user(Role.DISTRICT_OFFICER, district=elsewhere)
    client.force_login(officer)
    assert client.get(district_url(town.community.district)).status_code == 403
    history = reverse(
        "reports:district_community",
        args=[town.community.district.pk, town.community.slug],
    )
    assert client.get(history).status_code == 403
    # Their own district shows none of the other district's communities.
    CommunityFactory(name="城厢一社区", district=elsewhere)
    html = client.get(district_url(elsewhere)).content.decode()
    assert "城厢一社区" in html and "汀塘社区" not in html


def test_staff_are_not_district_officers(client, town):
    client.force_login(town.staff)
    assert client.get(district_url(town.community.district)).status_code == 403


def test_a_community_of_another_district_is_not_found_in_the_history(client, town):
    elsewhere = DistrictFactory(name="城厢区")
    stranger = CommunityFactory(
        name="城厢一社区", slug="chengxiang", district=elsewhere
    )
    client.force_login(_user(Role.DISTRICT_OFFICER, district=town.community.district))
    url = reverse(
        "reports:district_community", args=[town.community.district.pk, stranger.slug]
    )
    assert client.get(url).status_code == 404


def test_meeting_page_shows_figures_to_staff_and_notes_a_residents_visit(
    client, town, frozen
):
    from reports.models import PageOpen

    meeting = town.meetings[1]
    figures = reverse("reports:meeting_figures", args=[town.community.slug, meeting.pk])
    client.force_login(town.staff)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'hx-get="{figures}" hx-trigger="load"' in html
    fragment = client.get(figures, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="meeting-figures"' in fragment
    assert "40.0%" in fragment and "<html" not in fragment  # meeting 2
    assert "参与度" in client.get(figures).content.decode()  # without htmx: a page
    resident = town.residents["xian"]
    client.force_login(resident.user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert figures not in html
    assert client.get(figures).status_code == 403
    with CaptureQueriesContext(connection) as again:
        client.get(meeting.get_absolute_url())  # a second visit adds nothing
    assert not [q for q in again.captured_queries if "INSERT" in q["sql"]]
    assert list(
        PageOpen.objects.filter(meeting=meeting).values_list("resident", "page")
    ) == [(resident.pk, "agenda")]


def _grow(community, n):
    """Add n residents with a topic, a support and a check-in each."""
    from council.models import Attendance
    from topics.models import Endorsement, Topic

    meeting = community.meetings.first()
    for i in range(n):
        resident = ResidentFactory(community=community)
        topic = Topic.objects.create(
            community=community,
            window=meeting.window,
            submitter=resident,
            title=f"议题{i}",
            description="说明",
        )
        Endorsement.objects.create(topic=topic, resident=resident)
        Attendance.objects.create(
            meeting=meeting, role="observer", resident=resident, status="in_person"
        )


def _queries(client, django_assert_max_num_queries, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dashboard_queries_do_not_grow_with_the_community(
    client, town, frozen, django_assert_max_num_queries
):
    client.force_login(town.staff)
    # Both requests start from an empty cache: the month's figures are kept ten
    # minutes, and with Redis the session is read from the cache too.
    cache.clear()
    small = _queries(client, django_assert_max_num_queries, dashboard(town.community))
    _grow(town.community, 30)
    cache.clear()
    large = _queries(client, django_assert_max_num_queries, dashboard(town.community))
    assert large == small
    assert small <= 28


def test_district_queries_do_not_grow_with_its_communities(
    client, town, frozen, committed, django_assert_max_num_queries
):
    officer = _user(Role.DISTRICT_OFFICER, district=town.community.district)
    client.force_login(officer)
    url = district_url(town.community.district, month="2026-11")
    client.get(url)  # warm caches (the inbox badge), as on a running site
    # Each night's snapshots make the kept page be built again: measure that.
    committed(snapshots_make, month=date(2026, 11, 1))
    small = _queries(client, django_assert_max_num_queries, url)
    for _n in range(10):
        community = CommunityFactory(district=town.community.district)
        ResidentFactory(community=community)
    committed(snapshots_make, month=date(2026, 11, 1))
    large = _queries(client, django_assert_max_num_queries, url)
    assert large == small
    assert small <= 12


def test_snapshot_task_runs_in_the_first_days_for_last_month_too(town):
    import time_machine

    from reports.models import MetricSnapshot

    with time_machine.travel(at(2, month=12), tick=False):
        snapshots_make()
    months = set(MetricSnapshot.objects.values_list("month", flat=True))
    assert months == {date(2026, 11, 1), date(2026, 12, 1)}


def test_district_table_is_paginated_in_sort_order(client, town, frozen, monkeypatch):
    from reports import selectors

    monkeypatch.setattr(selectors, "DISTRICT_PAGE_SIZE", 1)
    snapshots_make(month=date(2026, 11, 1))
    client.force_login(_user(Role.DISTRICT_OFFICER, district=town.community.district))
    district = town.community.district
    first = client.get(district_url(district, month="2026-11", sort="name", dir="asc"))
    second = client.get(
        district_url(district, month="2026-11", sort="name", dir="asc", page=2)
    )
    table = first.content.decode().split('data-testid="district-table"')[1]
    assert "东峤社区" in table.split("</table>")[0]
    assert "sort=name&amp;dir=asc&amp;page=2" in first.content.decode()
    table = second.content.decode().split('data-testid="district-table"')[1]
    assert "汀塘社区" in table.split("</table>")[0]


def test_opening_an_outcome_page_counts_towards_awareness(client, town, frozen):
    from outcomes.models import Outcome
    from reports.models import PageOpen

    outcome = Outcome.objects.get()
    resident = town.residents["xian"]
    client.force_login(resident.user)
    url = reverse("outcomes:outcome", args=[town.community.slug, outcome.pk])
    assert client.get(url).status_code == 200
    assert PageOpen.objects.filter(
        resident=resident, page="outcome", object_id=outcome.pk
    ).exists()
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200  # a second visit adds nothing
    assert not [q for q in again.captured_queries if "INSERT" in q["sql"]]
    assert PageOpen.objects.filter(resident=resident, page="outcome").count() == 1
