"""A community page takes its community from the memberships read for the roles:
one query less for members, and nothing changes for anyone else."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

_BY_SLUG = re.compile(r'FROM "residents_community".*"slug" = ', re.DOTALL)


def _community_lookups(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    lookups = [q["sql"] for q in captured.captured_queries if _BY_SLUG.search(q["sql"])]
    return response, lookups


def test_a_member_and_their_district_officer_need_no_lookup(
    community, resident_user, district_officer, login
):
    path = reverse("residents:community_home", args=[community.slug])
    for user in (resident_user, district_officer):
        response, lookups = _community_lookups(login(user), path)
        assert (
            response.status_code == 200 and community.name in response.content.decode()
        )
        assert lookups == []


def test_someone_else_is_looked_up_and_refused(community, other_staff_user, login):
    path = reverse("residents:community_home", args=[community.slug])
    response, lookups = _community_lookups(login(other_staff_user), path)
    assert response.status_code == 403 and len(lookups) == 1
    missing = reverse("residents:community_home", args=["no-such-place"])
    assert login(other_staff_user).get(missing).status_code == 404
