"""The community home and the residents list read kept counts: no COUNT(*) over a
community's residents per request, and the same queries at two sizes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import Resident
from residents.services import community_stats_refresh, resident_create

pytestmark = pytest.mark.django_db

_COUNT_OVER_RESIDENTS = re.compile(
    r'COUNT\(.*FROM "residents_resident"', re.IGNORECASE | re.DOTALL
)


def _add_residents(committed, community, n, start=0):
    Resident.objects.bulk_create(
        Resident(
            community=community,
            name=f"居民{start + i}",
            building=str(1 + (start + i) % 7),
            household=f"H{(start + i) // 3}",
            is_elderly_alone=(start + i) % 5 == 0,
        )
        for i in range(n)
    )
    # As the services keep it, announced when it commits (the kept pages forget).
    committed(community_stats_refresh, community_id=community.pk)


def _queries(client, path, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    "page", ["residents:community_home", "residents:resident_list"]
)
def test_no_count_over_residents_and_same_queries_at_two_sizes(
    page, community, staff_user, login, committed
):
    """The page as it is built after a change (then kept): the same queries."""
    client = login(staff_user)
    path = reverse(page, args=[community.slug])
    _add_residents(committed, community, 5)
    client.get(path)  # warm, as a running site's caches are (the inbox badge)
    committed(community_stats_refresh, community_id=community.pk)  # built again
    _response, few = _queries(client, path)
    _add_residents(committed, community, 400, start=5)
    response, many = _queries(client, path)
    assert len(few) == len(many)
    for sql in many:
        assert not _COUNT_OVER_RESIDENTS.search(sql), sql
    content = response.content.decode()
    assert "405" in content  # the kept count, up to date


def test_kept_counts_follow_the_services(
    community, staff_user, login, django_capture_on_commit_callbacks, committed
):
    client = login(staff_user)
    _add_residents(committed, community, 3)
    home = reverse("residents:community_home", args=[community.slug])
    assert "独居老人" in client.get(home).content.decode()
    # Recounted once the write commits (at once: a small community).
    with django_capture_on_commit_callbacks(execute=True):
        resident_create(community=community, name="新居民", is_elderly_alone=True)
    stats = community.stats
    stats.refresh_from_db()
    assert (stats.residents, stats.elderly_alone, stats.households) == (4, 2, 1)


def test_a_large_building_list_is_a_text_box(community, staff_user, login):
    Resident.objects.bulk_create(
        Resident(community=community, name=f"居民{i}", building=str(i))
        for i in range(80)
    )
    community_stats_refresh(community_id=community.pk)
    client = login(staff_user)
    path = reverse("residents:resident_list", args=[community.slug])
    page = client.get(path).content.decode()
    assert '<select class="form-select" id="resident-building"' not in page
    assert 'name="building"' in page
    found = client.get(path, {"building": "42"}).content.decode()
    assert "居民42" in found and "居民41" not in found
