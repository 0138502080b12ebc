import pytest

from council import services
from council.quorum import meeting_quorum
from tests.council.factories import in_progress, schedule, seat_council

pytestmark = pytest.mark.django_db


def test_smoke(community, staff_user):
    council, seats = seat_council(community, by=staff_user)
    m = schedule(community, by=staff_user)
    m = in_progress(m, by=staff_user)
    for seat in seats[:4]:
        services.attendance_check_in(meeting=m, by=staff_user, resident=seat.resident)
    q = meeting_quorum(m)
    assert q.met and q.coverage_met
