import pytest

from tests.council.factories import in_progress, schedule, seat_council


@pytest.fixture
def seated(community, staff_user):
    """A council with one seat per default kind, each with an alternate."""
    return seat_council(community, by=staff_user, alternates=True)


@pytest.fixture
def meeting(community, staff_user, seated):
    return schedule(community, by=staff_user)


@pytest.fixture
def open_meeting(meeting, staff_user):
    return in_progress(meeting, by=staff_user)
