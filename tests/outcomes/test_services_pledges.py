"""Pledged resources add up: pledged, received, still missing; who may pledge."""

import pytest
from django.core.exceptions import ValidationError

from outcomes import services
from outcomes.models import PledgeStatus
from tests.factories import ResidentFactory
from tests.outcomes.factories import record_outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(community, staff_user):
    outcome = record_outcome(community, by=staff_user)
    return services.pledge_need_add(
        outcome=outcome, by=staff_user, description="儿童图书", unit="本", quantity=300
    )


def test_pledges_and_receipts_add_up_and_show_what_is_missing(
    books, resident, resident_user, staff_user, library
):
    mine = services.pledge_make(
        need=books, by=resident_user, resident=resident, quantity=120, note="周六送来"
    )
    theirs = services.pledge_make(
        need=books, by=staff_user, organization=library, quantity=100
    )
    books.refresh_from_db()
    assert (books.pledged_total, books.received_total, books.missing) == (220, 0, 80)
    assert not mine.on_behalf and theirs.on_behalf
    with pytest.raises(ValidationError, match="80"):
        services.pledge_make(
            need=books, by=staff_user, organization=library, quantity=81
        )
    services.pledge_receive(pledge=mine, by=staff_user, quantity=50)
    with pytest.raises(ValidationError, match="70"):
        services.pledge_receive(pledge=mine, by=staff_user, quantity=71)
    services.pledge_receive(pledge=mine, by=staff_user, quantity=70)
    mine.refresh_from_db()
    books.refresh_from_db()
    assert mine.status == PledgeStatus.RECEIVED and mine.received_quantity == 120
    assert (books.pledged_total, books.received_total) == (220, 120)
    assert (books.received_percent, books.pledged_percent) == (40, 33)
    assert books.still_to_receive == 180
    services.pledge_withdraw(pledge=theirs, by=staff_user)
    books.refresh_from_db()
    assert (books.pledged_total, books.missing) == (120, 180)
    with pytest.raises(ValidationError, match="已部分到位"):
        services.pledge_withdraw(pledge=mine, by=resident_user)


def test_a_resident_pledges_only_for_themself(books, resident_user, neighbour):
    with pytest.raises(ValidationError, match="自己的名义"):
        services.pledge_make(
            need=books, by=resident_user, resident=neighbour, quantity=5
        )


def test_pledges_need_a_positive_number_and_someone_from_the_community(
    books, staff_user, other_community
):
    with pytest.raises(ValidationError) as zero:
        services.pledge_make(
            need=books,
            by=staff_user,
            resident=ResidentFactory(community=books.community),
            quantity=0,
        )
    assert "quantity" in zero.value.error_dict
    with pytest.raises(ValidationError, match="本社区"):
        services.pledge_make(
            need=books,
            by=staff_user,
            resident=ResidentFactory(community=other_community),
            quantity=3,
        )


def test_only_staff_and_social_workers_record_receipts(
    books, staff_user, resident, resident_user
):
    pledge = services.pledge_make(
        need=books, by=resident_user, resident=resident, quantity=10
    )
    with pytest.raises(ValidationError, match="工作人员"):
        services.pledge_receive(pledge=pledge, by=resident_user, quantity=10)
