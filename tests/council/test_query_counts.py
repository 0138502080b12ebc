"""Council pages run a fixed number of queries whatever the number of seats,
invitations and attendees (10 and 200)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from council.models import (
    AgendaItem,
    Attendance,
    AttendanceChange,
    AttendanceRole,
    Invitation,
    Seat,
    SeatKind,
)
from residents.models import Resident
from tests.council.factories import in_progress, schedule
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def populate(community, staff_user, n):
    """n seats (with alternates), n invitations over 5 items, n attendances."""
    council = community.council
    kinds = list(SeatKind.objects.filter(council=council))
    SeatKind.objects.filter(council=council).update(seat_count=n)
    people = Resident.objects.bulk_create(
        Resident(community=community, name=f"居民{i}", mobile=f"150{i:08d}")
        for i in range(3 * n)
    )
    org = OrganizationFactory(community=community)
    start = timezone.localdate() - timedelta(days=10)
    seats = Seat.objects.bulk_create(
        Seat(
            council=council,
            kind=kinds[i % len(kinds)],
            resident=people[i],
            alternate=people[n + i],
            organization=org if kinds[i % len(kinds)].represents_organization else None,
            term_start=start,
        )
        for i in range(n)
    )
    # Some former seats too.
    Seat.objects.bulk_create(
        Seat(
            council=council,
            kind=kinds[i % len(kinds)],
            resident=people[2 * n + i],
            term_start=start - timedelta(days=400),
            ended_on=start,
            end_reason="届满",
        )
        for i in range(n)
    )
    meeting = in_progress(schedule(community, by=staff_user), by=staff_user, items=5)
    items = list(AgendaItem.objects.filter(meeting=meeting))
    invitees = people[2 * n : 3 * n]
    Invitation.objects.bulk_create(
        Invitation(
            agenda_item=items[i % 5],
            meeting=meeting,
            resident=invitees[i],
            reason="受影响",
        )
        for i in range(n)
    )
    attendances = Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            resident=seat.resident,
            seat=seat,
            role=AttendanceRole.REPRESENTATIVE,
            status="in_person",
            checked_in_by=staff_user,
        )
        for seat in seats
    )
    # Each was corrected once: absent first, then present.
    AttendanceChange.objects.bulk_create(
        AttendanceChange(
            attendance=attendance,
            status=status,
            previous_status=previous,
            changed_by=staff_user,
            on_behalf=True,
        )
        for attendance in attendances
        for previous, status in (("", "absent"), ("absent", "in_person"))
    )
    return meeting


def count_queries(client, path, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("n", [10, 200])
def test_pages_run_bounded_queries(
    n, login, community, staff_user, django_assert_max_num_queries
):
    meeting = populate(community, staff_user, n)
    client = login(staff_user)
    slug = community.slug
    item = meeting.agenda_items.first()
    budgets = {
        reverse("council:council", args=[slug]): 16,
        reverse("council:meetings", args=[slug]): 12,
        reverse("council:meeting", args=[slug, meeting.pk]): 16,
        reverse("council:attendance", args=[slug, meeting.pk]): 16,
        reverse("council:agenda_item", args=[slug, meeting.pk, item.pk]): 14,
        reverse("council:meeting_print", args=[slug, meeting.pk]): 10,
    }
    counts = {}
    for path, budget in budgets.items():
        counts[path] = count_queries(
            client, path, django_assert_max_num_queries, budget
        )
    page = client.get(reverse("council:meeting", args=[slug, meeting.pk]))
    assert "已达法定人数" in page.content.decode()
    # The htmx check-in partial too.
    with django_assert_max_num_queries(30):
        response = client.post(
            reverse("council:attendance_mark", args=[slug, meeting.pk]),
            {
                "resident": Seat.objects.filter(alternate__isnull=False)
                .first()
                .alternate_id,
                "status": "in_person",
            },
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    print(n, counts)


def test_counts_are_equal_at_both_sizes(
    login, community, other_community, staff_user, other_staff_user
):
    """The same page at 10 and at 200 runs exactly the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = populate(other_community, other_staff_user, 10)
    large = populate(community, staff_user, 200)
    results = {}
    for label, meeting, user in (
        ("small", small, other_staff_user),
        ("large", large, staff_user),
    ):
        client = login(user)
        slug = meeting.community.slug
        counts = []
        for path in (
            reverse("council:council", args=[slug]),
            reverse("council:meeting", args=[slug, meeting.pk]),
            reverse("council:attendance", args=[slug, meeting.pk]),
        ):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            counts.append(len(captured))
        results[label] = counts
    assert results["small"] == results["large"], results


def make_meetings(community, staff_user, count):
    from council.models import Meeting, MeetingStatus

    council = community.council
    base = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(
            council=council,
            community=community,
            title=f"会议{i}",
            starts_at=base + timedelta(days=30 + i),
            ends_at=base + timedelta(days=30 + i, hours=2),
            place="村委会",
            status=MeetingStatus.CONCLUDED if i % 2 else MeetingStatus.COLLECTING,
            check_in_token=f"t{community.pk}-{i}",
        )
        for i in range(count)
    )


@pytest.mark.parametrize("count", [6, 120])
def test_meeting_list_paginates_with_bounded_queries(
    count, login, community, staff_user, django_assert_max_num_queries
):
    make_meetings(community, staff_user, count)
    client = login(staff_user)
    path = reverse("council:meetings", args=[community.slug])
    with django_assert_max_num_queries(10):
        page = client.get(path).content.decode()
    with django_assert_max_num_queries(10):
        past = client.get(path, {"show": "past", "page": 2}).content.decode()
    upcoming = count // 2
    assert f"共 {upcoming} 次会议" in page
    assert page.count('class="list-group-item"') == min(upcoming, 25)
    if count > 50:
        assert "第 2 页，共 3 页" in past
