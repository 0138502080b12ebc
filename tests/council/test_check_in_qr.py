"""The self check-in QR rotates every two minutes; a code works while it is the
current one or the one just before, signed and never stored."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from council import services
from council.models import Attendance, Seat
from residents.models import Resident
from tests.council.factories import in_progress, schedule, seat_council

pytestmark = pytest.mark.django_db

# The start of a two-minute period (the epoch minute is even).
T = datetime(2026, 11, 29, 6, 30, tzinfo=UTC)
PERIOD = timedelta(minutes=2)


@pytest.fixture
def frozen_meeting(community, staff_user, resident_user):
    """A meeting in progress where the logged-in resident holds a seat."""
    with time_machine.travel(T - timedelta(days=20), tick=False):
        _council, seats = seat_council(community, by=staff_user)
        me = Resident.objects.get(community=community, user=resident_user)
        Seat.objects.filter(pk=seats[0].pk).update(resident=me)
        meeting = schedule(community, by=staff_user, days=12)
    with time_machine.travel(T - timedelta(hours=1), tick=False):
        return in_progress(meeting, by=staff_user)


def check_in_url(community, meeting, code):
    return reverse("council:self_check_in", args=[community.slug, meeting.pk, code])


def test_the_code_changes_every_period_without_writing(
    frozen_meeting, django_assert_num_queries
):
    with django_assert_num_queries(0):
        codes = []
        for seconds in (0, 119, 120, 239, 240):
            with time_machine.travel(T + timedelta(seconds=seconds), tick=False):
                codes.append(frozen_meeting.self_check_in_code())
    assert codes[0] == codes[1] != codes[2] == codes[3] != codes[4]
    assert frozen_meeting.check_in_token not in "".join(codes)


@pytest.mark.parametrize(
    ("scanned_after", "state"),
    [
        (timedelta(seconds=119), "current"),  # same period
        (PERIOD + timedelta(seconds=119), "current"),  # the period before: still ok
        (2 * PERIOD, "expired"),  # two periods on: a photo from a group chat
        (timedelta(days=1), "expired"),
    ],
)
def test_a_code_works_in_its_period_and_the_next_only(
    frozen_meeting, scanned_after, state
):
    with time_machine.travel(T, tick=False):
        code = frozen_meeting.self_check_in_code()
    with time_machine.travel(T + scanned_after, tick=False):
        assert frozen_meeting.self_check_in_code_state(code) == state


def test_forged_or_foreign_codes_are_invalid(frozen_meeting, community, staff_user):
    with time_machine.travel(T, tick=False):
        code = frozen_meeting.self_check_in_code()
        period, _dash, signature = code.partition("-")
        other = schedule(community, by=staff_user, days=20, title="别的会")
        assert frozen_meeting.self_check_in_code_state(f"{period}-{'0' * 20}") == (
            "invalid"
        )
        assert other.self_check_in_code_state(code) == "invalid"
        future = f"{int(period) + 5}-{signature}"
        assert frozen_meeting.self_check_in_code_state(future) == "invalid"
        assert frozen_meeting.self_check_in_code_state("garbage") == "invalid"


def test_an_old_code_is_refused_with_a_message_and_records_nothing(
    login, community, frozen_meeting, resident_user
):
    with time_machine.travel(T, tick=False):
        old = frozen_meeting.self_check_in_code()
    client = login(resident_user)
    with time_machine.travel(T + 2 * PERIOD, tick=False):
        page = client.get(check_in_url(community, frozen_meeting, old))
        assert page.status_code == 400
        assert "签到码已过期" in page.content.decode()
        assert "我已到场" not in page.content.decode()
        response = client.post(
            check_in_url(community, frozen_meeting, old), {"status": "in_person"}
        )
        assert response.status_code == 400
        assert "签到码已过期" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_scan_at_the_turn_of_the_period_still_checks_in(
    login, community, frozen_meeting, resident_user
):
    with time_machine.travel(T + timedelta(seconds=119), tick=False):
        code = frozen_meeting.self_check_in_code()
    client = login(resident_user)
    with time_machine.travel(T + PERIOD + timedelta(seconds=30), tick=False):
        response = client.post(
            check_in_url(community, frozen_meeting, code), {"status": "in_person"}
        )
    assert response.status_code == 200
    assert "您已签到" in response.content.decode()
    assert Attendance.objects.get().status == "in_person"


def test_the_service_refuses_an_expired_code(frozen_meeting, resident_user):
    me = Resident.objects.get(user=resident_user)
    with time_machine.travel(T, tick=False):
        old = frozen_meeting.self_check_in_code()
    with (
        time_machine.travel(T + 3 * PERIOD, tick=False),
        pytest.raises(ValidationError) as exc,
    ):
        services.attendance_check_in(
            meeting=frozen_meeting,
            by=resident_user,
            resident=me,
            self_check_in=True,
            check_in_code=old,
        )
    assert exc.value.code == "expired"


def test_the_screen_polls_for_a_fresh_qr_with_htmx(
    login, community, frozen_meeting, staff_user
):
    client = login(staff_user)
    qr = reverse("council:check_in_qr", args=[community.slug, frozen_meeting.pk])
    with time_machine.travel(T, tick=False):
        page = client.get(qr).content.decode()
        first = frozen_meeting.self_check_in_code()
    assert first in page and 'hx-trigger="every 20s"' in page
    assert "<script>" not in page.split("</main>")[0]
    with time_machine.travel(T + PERIOD, tick=False):
        fragment = client.get(qr, HTTP_HX_REQUEST="true").content.decode()
        second = frozen_meeting.self_check_in_code()
    assert fragment.startswith('<div id="check-in-qr"') and "<svg" in fragment
    assert second in fragment and first not in fragment
    assert "<html" not in fragment
