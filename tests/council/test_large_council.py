"""A council of hundreds of seats: the council page folds them by kind and loads
a kind's people on demand; the meeting page and the check-in list stay small."""

import pytest
from django.urls import reverse

from council.models import SeatKind
from council.selectors import COUNCIL_INLINE_SEATS

from .test_query_counts import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(community, staff_user):
    return populate(community, staff_user, 200)


def test_large_council_page_holds_counts_not_people(
    large, community, staff_user, login
):
    assert COUNCIL_INLINE_SEATS < 200
    client = login(staff_user)
    path = reverse("council:council", args=[community.slug])
    response = client.get(path)
    page = response.content.decode()
    assert len(response.content) < 60 * 1024
    assert "居民0<" not in page  # no one listed until a kind is opened
    kind = SeatKind.objects.filter(council=community.council).order_by("position")[0]
    assert f'hx-get="{path}?kind={kind.pk}"' in page
    assert f"?kind={kind.pk}#kind-{kind.pk}" in page  # without JavaScript


def test_a_kind_opens_with_htmx_and_without(large, community, staff_user, login):
    client = login(staff_user)
    path = reverse("council:council", args=[community.slug])
    kind = SeatKind.objects.filter(council=community.council).order_by("position")[0]
    fragment = client.get(path, {"kind": kind.pk}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html
    assert html.count('<li class="py-1 border-bottom">') == 34  # 200 seats, 6 kinds
    full = client.get(path, {"kind": kind.pk}).content.decode()
    assert f'id="kind-{kind.pk}" open' in full
    assert full.count('<li class="py-1 border-bottom">') == 34


def test_meeting_page_and_check_in_list_stay_small(large, community, staff_user, login):
    client = login(staff_user)
    meeting_path = reverse("council:meeting", args=[community.slug, large.pk])
    meeting = client.get(meeting_path)
    assert len(meeting.content) < 60 * 1024
    assert "已达法定人数" in meeting.content.decode()
    check_in = client.get(
        reverse("council:attendance", args=[community.slug, large.pk])
    )
    html = check_in.content.decode()
    assert len(check_in.content) < 60 * 1024
    assert html.count('class="list-group-item" id="row-') == 20
    # 200 representatives, 200 alternates, 200 stakeholders; 200 present.
    assert "600" in html and "200" in html


def test_check_in_search_finds_across_pages(large, community, staff_user, login):
    client = login(staff_user)
    html = client.get(
        reverse("council:attendance", args=[community.slug, large.pk]),
        {"q": "居民599"},
    ).content.decode()
    assert html.count('class="list-group-item" id="row-') == 1
    assert "居民599" in html
