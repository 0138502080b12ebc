"""Council pages a newcomer meets: topic review found without a menu entry, seats
folded by kind."""

import pytest
from django.urls import reverse

from tests.council.factories import schedule, seat_council

pytestmark = pytest.mark.django_db


def test_staff_find_topic_review_on_the_meetings_page_and_the_home(
    login, community, staff_user
):
    schedule(community, by=staff_user, days=10)
    client = login(staff_user)
    review = reverse("council:triage_index", args=[community.slug])
    assert (
        review
        in client.get(
            reverse("council:meetings", args=[community.slug])
        ).content.decode()
    )
    assert (
        review
        in client.get(
            reverse("residents:community_home", args=[community.slug])
        ).content.decode()
    )


def test_residents_get_no_review_link(login, community, staff_user, resident_user):
    schedule(community, by=staff_user, days=10)
    client = login(resident_user)
    review = reverse("council:triage_index", args=[community.slug])
    for url in (
        reverse("council:meetings", args=[community.slug]),
        reverse("residents:community_home", args=[community.slug]),
    ):
        assert review not in client.get(url).content.decode()


def test_seats_fold_by_kind_with_counts_in_the_fold(login, community, staff_user):
    seat_council(community, by=staff_user, per_kind=2)
    html = (
        login(staff_user)
        .get(reverse("council:council", args=[community.slug]))
        .content.decode()
    )
    assert html.count('<details class="card mb-2 seat-kind"') == 6
    assert "2 个席位，已有 2 位代表" in html
