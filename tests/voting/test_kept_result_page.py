"""A closed round's result page is kept per round, language and page
(voting.selectors.ROUND_RESULTS): it never changes once the round is closed, so
every reader is served the same page; a search for a receipt code is built for
its reader alone.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.voting.factories import make_round, with_login
from voting import services
from voting.models import BallotReceipt

pytestmark = pytest.mark.django_db


def result_url(voting_round, **query):
    path = reverse("voting:result", args=[voting_round.community.slug, voting_round.pk])
    return path + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )


@pytest.fixture
def closed(committed, meeting, staff_user, seats):
    voting_round = committed(make_round, meeting, by=staff_user, minutes=90)
    for seat, code in zip(seats, ["for", "for", "against"], strict=False):
        committed(
            services.ballot_cast,
            voting_round=voting_round,
            voter=seat.resident,
            choice=voting_round.options.get(code=code),
            by=with_login(seat.resident),
        )
    committed(
        services.round_close,
        voting_round=voting_round,
        now=voting_round.closes_at + timedelta(seconds=1),
    )
    return voting_round


def test_every_reader_is_served_the_kept_result_with_the_rounds_row_alone(
    closed, resident_user, staff_user, django_assert_max_num_queries
):
    first = Client()
    first.force_login(resident_user)
    built = first.get(result_url(closed)).content.decode()
    assert "6 人中 3 人投票" in built
    for receipt in BallotReceipt.objects.select_related("voter"):
        assert receipt.code in built and receipt.voter.name in built
    other = Client()
    other.force_login(staff_user)
    other.get(result_url(closed))
    # The session, the login and the round's row: no result, no receipts.
    with django_assert_max_num_queries(3):
        kept = other.get(result_url(closed))
    assert kept.status_code == 200
    body = built[built.index("<main") : built.index("</main>")]
    assert body in kept.content.decode()


def test_a_code_search_is_built_for_its_reader(closed, resident_user):
    client = Client()
    client.force_login(resident_user)
    client.get(result_url(closed))  # kept now
    receipts = list(BallotReceipt.objects.order_by("code"))
    wanted = receipts[0].code
    found = client.get(result_url(closed, code=wanted[:9])).content.decode()
    assert wanted in found
    assert all(
        r.code not in found for r in receipts if not r.code.startswith(wanted[:9])
    )
    missing = client.get(result_url(closed, code="ZZZZ")).content.decode()
    assert "没有找到这个回执码" in missing
    assert wanted in client.get(result_url(closed, page=1)).content.decode()
