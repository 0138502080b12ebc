import pytest

from tests.voting.factories import council_in_session


@pytest.fixture
def python_clock(settings):
    """Judge ballots by Python's clock, which time-machine moves.

    In production the database's clock decides (test_clock_postgres shows it);
    time-machine cannot move PostgreSQL's clock.
    """
    settings.VOTING_CLOCK = "python"


@pytest.fixture
def session(community, staff_user):
    """A meeting in progress with all six representatives checked in."""
    return council_in_session(community, by=staff_user)


@pytest.fixture
def meeting(session):
    return session[0]


@pytest.fixture
def seats(session):
    return session[1]
