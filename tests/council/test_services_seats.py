"""Seats: assign, end, replace with history; charter and seat kinds logged."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from council import services
from council.models import CouncilChange, Seat
from tests.factories import OrganizationFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(community):
    return community.council


def kind(council, code):
    return council.seat_kinds.get(code=code)


def test_council_is_created_once_with_the_six_kinds(community, council):
    assert services.council_create(community=community) == council
    assert council.seat_kinds.count() == 6
    labels = [k.label for k in council.seat_kinds.order_by("position")]
    assert labels == [
        "居民委员会代表",
        "居民骨干代表",
        "妇女代表",
        "社会组织代表",
        "社会资源代表",
        "社工代表",
    ]


def test_assign_refuses_outsiders_duplicates_and_full_kinds(
    community, other_community, council, staff_user
):
    today = timezone.localdate()
    women = kind(council, "women")
    with pytest.raises(ValidationError) as exc:
        services.seat_assign(
            council=council,
            by=staff_user,
            kind=women,
            resident=ResidentFactory(community=other_community),
            term_start=today,
        )
    assert "resident" in exc.value.error_dict
    holder = ResidentFactory(community=community)
    services.seat_assign(
        council=council, by=staff_user, kind=women, resident=holder, term_start=today
    )
    with pytest.raises(ValidationError, match="已满"):
        services.seat_assign(
            council=council,
            by=staff_user,
            kind=women,
            resident=ResidentFactory(community=community),
            term_start=today,
        )
    with pytest.raises(ValidationError, match="已担任"):
        services.seat_assign(
            council=council,
            by=staff_user,
            kind=kind(council, "resident_backbone"),
            resident=holder,
            term_start=today,
        )
    with pytest.raises(ValidationError):
        services.seat_assign(
            council=council,
            by=staff_user,
            kind=kind(council, "resident_backbone"),
            resident=ResidentFactory(community=community),
            alternate=ResidentFactory(community=other_community),
            term_start=today,
        )


def test_organisation_kind_needs_the_organisation(community, council, staff_user):
    social_org = kind(council, "social_org")
    resident = ResidentFactory(community=community)
    with pytest.raises(ValidationError) as exc:
        services.seat_assign(
            council=council,
            by=staff_user,
            kind=social_org,
            resident=resident,
            term_start=timezone.localdate(),
        )
    assert "organization" in exc.value.error_dict
    org = OrganizationFactory(community=community)
    seat = services.seat_assign(
        council=council,
        by=staff_user,
        kind=social_org,
        resident=resident,
        organization=org,
        term_start=timezone.localdate(),
    )
    assert seat.organization == org


def test_replace_keeps_history_and_the_organisation(community, council, staff_user):
    org = OrganizationFactory(community=community)
    start = timezone.localdate() - timedelta(days=100)
    old = services.seat_assign(
        council=council,
        by=staff_user,
        kind=kind(council, "social_org"),
        resident=ResidentFactory(community=community, name="旧代表"),
        organization=org,
        term_start=start,
        term_end=start + timedelta(days=3 * 365),
    )
    new = services.seat_replace(
        seat=old,
        by=staff_user,
        resident=ResidentFactory(community=community, name="新代表"),
        on=timezone.localdate(),
        reason="工作调动",
    )
    old.refresh_from_db()
    assert old.ended_on == timezone.localdate() and old.replaced_by == new
    assert old.end_reason == "工作调动"
    assert new.organization == org and new.term_end == old.term_end
    assert list(Seat.objects.current()) == [new]
    assert list(Seat.objects.former()) == [old]
    with pytest.raises(ValidationError):
        services.seat_end(seat=old, by=staff_user, ended_on=timezone.localdate())
    summaries = list(CouncilChange.objects.values_list("summary", flat=True))
    assert any("旧代表 卸任" in s for s in summaries)
    assert any("新代表 担任" in s for s in summaries)


def test_seat_cannot_end_before_it_starts(community, council, staff_user):
    seat = services.seat_assign(
        council=council,
        by=staff_user,
        kind=kind(council, "women"),
        resident=ResidentFactory(community=community),
        term_start=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        services.seat_end(
            seat=seat,
            by=staff_user,
            ended_on=timezone.localdate() - timedelta(days=1),
        )


def test_seat_kind_cannot_shrink_below_seats_held(community, council, staff_user):
    committee = kind(council, "residents_committee")
    services.seat_kind_update(
        kind=committee, by=staff_user, name="", position=1, seat_count=2
    )
    for _n in range(2):
        services.seat_assign(
            council=council,
            by=staff_user,
            kind=committee,
            resident=ResidentFactory(community=community),
            term_start=timezone.localdate(),
        )
    with pytest.raises(ValidationError) as exc:
        services.seat_kind_update(
            kind=committee, by=staff_user, name="", position=1, seat_count=1
        )
    assert "seat_count" in exc.value.error_dict
    renamed = services.seat_kind_update(
        kind=committee, by=staff_user, name="村委会代表", position=1, seat_count=2
    )
    assert renamed.label == "村委会代表"


def test_unchanged_charter_logs_nothing(council, staff_user):
    services.council_update_charter(
        council=council, by=staff_user, collection_lead_days=7
    )
    assert not CouncilChange.objects.exists()
    with pytest.raises(ValidationError):
        services.council_update_charter(
            council=council, by=staff_user, collection_lead_days=0
        )
