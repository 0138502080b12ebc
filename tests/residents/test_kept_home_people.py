"""The community home's counts of the people registered are kept rendered for
staff (residents.selectors.HOME_PEOPLE) until the counts are recounted: a resident
registered or removed through the services shows on the next visit; residents never
see the counts.

Each write runs its on-commit callbacks, as a real request's commit does.
"""

import re

import pytest
from django.urls import reverse

from residents import services
from tests.factories import ResidentFactory
from tests.pages import kept_served, opened

pytestmark = pytest.mark.django_db


def home(user, community):
    return opened(user, reverse("residents:community_home", args=[community.slug]))


def registered(html) -> int:
    """The figure above "登记居民" on the home page."""
    return int(re.search(r'<div class="stat">([\d,]+)</div><div>登记居民', html)[1])


def test_a_resident_registered_shows_in_the_kept_counts_at_once(
    community, staff_user, committed
):
    ResidentFactory.create_batch(2, community=community)
    services.community_stats_refresh(community_id=community.pk)
    assert registered(home(staff_user, community)) == 2  # kept now

    committed(
        services.resident_create,
        community=community,
        name="李大爷",
        is_elderly_alone=True,
    )
    html = home(staff_user, community)
    assert registered(html) == 3
    assert re.search(r'<div class="stat">1</div><div>独居老人', html)


def test_counts_kept_for_staff_stay_out_of_a_residents_home(
    community, staff_user, resident_user
):
    assert "登记居民" in home(staff_user, community)
    assert "登记居民" not in home(resident_user, community)
    assert "登记居民" in home(staff_user, community)


def test_the_staff_home_costs_the_login_query_alone_once_kept(
    community, staff_user, django_assert_max_num_queries
):
    url = reverse("residents:community_home", args=[community.slug])
    assert "登记居民" in kept_served(staff_user, url, django_assert_max_num_queries)
