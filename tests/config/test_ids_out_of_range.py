"""An address with an id no column can hold is a page that does not exist: 404,
not the database's refusal as a 500 (the pages read by core.prepared queries)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "topics/{n}/",
        "votes/{n}/",
        "outcomes/{n}/",
        "council/meetings/{n}/",
        "council/meetings/{n}/attendance/",
    ],
)
def test_an_id_beyond_any_column_is_not_found(community, staff_user, path):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    response = client.get(f"/c/{community.slug}/" + path.format(n=10**20))
    assert response.status_code == 404
