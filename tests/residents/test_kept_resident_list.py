"""The residents list's first pages (everyone, or one tag) are kept rendered per
community and viewer (residents.selectors.COMMUNITY_RESIDENTS): every service that
writes a record says so when it commits, so staff see a new or changed resident on
the next visit; a search or a building is read each time.

Each write runs its on-commit callbacks, as a real request's commit does. Each
case first opens the list, so it is kept, then writes, then opens it again.
"""

import pytest
from django.urls import reverse

from residents import services
from tests.factories import ResidentFactory
from tests.pages import kept_served, opened

pytestmark = pytest.mark.django_db


def residents(user, community, query=""):
    url = reverse("residents:resident_list", args=[community.slug])
    return opened(user, url + query)


def test_a_resident_added_or_renamed_shows_at_once(community, staff_user, committed):
    ResidentFactory(community=community, name="林秀英")
    assert "林秀英" in residents(staff_user, community)

    added = committed(services.resident_create, community=community, name="张建国")
    html = residents(staff_user, community)
    assert "张建国" in html and "林秀英" in html

    committed(services.resident_update, resident=added, name="张建华")
    html = residents(staff_user, community)
    assert "张建华" in html and "张建国" not in html


def test_a_tag_page_follows_the_records_too(community, staff_user, committed):
    ResidentFactory(community=community, name="林秀英", is_elderly_alone=True)
    page = "?tag=is_elderly_alone"
    assert "林秀英" in residents(staff_user, community, page)
    committed(
        services.resident_create,
        community=community,
        name="李大爷",
        is_elderly_alone=True,
    )
    assert "李大爷" in residents(staff_user, community, page)


def test_a_number_changed_by_its_owner_shows_at_once(
    community, staff_user, resident_user, committed
):
    mobile = resident_user.mobile
    assert mobile and mobile in residents(staff_user, community)

    from residents.services import user_mobile_remove

    committed(user_mobile_remove, user=resident_user)
    assert mobile not in residents(staff_user, community)


def test_staff_and_social_workers_are_kept_apart(community, staff_user, social_worker):
    """Staff see the number; a social worker the masked one, never staff's page."""
    ResidentFactory(community=community, name="林秀英", mobile="13912345678")
    assert "13912345678" in residents(staff_user, community)
    html = residents(social_worker, community)
    assert "林秀英" in html and "13912345678" not in html
    assert "13912345678" in residents(staff_user, community)


def test_a_search_is_read_each_time(community, staff_user):
    ResidentFactory(community=community, name="林秀英")
    assert "林秀英" in residents(staff_user, community)
    ResidentFactory(community=community, name="林建国")  # no service: unannounced
    assert "林建国" not in residents(staff_user, community)
    assert "林建国" in residents(staff_user, community, "?q=林")


def test_the_kept_list_costs_the_login_query_alone(
    community, staff_user, django_assert_max_num_queries
):
    ResidentFactory.create_batch(30, community=community)
    url = reverse("residents:resident_list", args=[community.slug])
    html = kept_served(staff_user, url, django_assert_max_num_queries)
    assert html.count('class="list-group-item py-2"') == 25  # a page of them


def test_in_a_large_community_a_new_resident_shows_before_the_recount(
    community, staff_user, committed
):
    """Past STATS_SYNC_LIMIT the counts wait for a task; the list does not."""
    from residents.models import CommunityStats
    from residents.services.communities import STATS_SYNC_LIMIT

    ResidentFactory(community=community, name="林秀英")
    services.community_stats_refresh(community_id=community.pk)
    CommunityStats.objects.filter(community=community).update(
        residents=STATS_SYNC_LIMIT + 1
    )
    assert "林秀英" in residents(staff_user, community)
    committed(services.resident_create, community=community, name="张建国")
    assert "张建国" in residents(staff_user, community)
