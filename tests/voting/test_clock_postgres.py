"""The database's clock decides, so web servers and workers with skewed clocks agree."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.voting.factories import make_round, with_login
from voting import services
from voting.clock import database_now
from voting.models import RoundStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _cast(voting_round, voter):
    return services.ballot_cast(
        voting_round=voting_round,
        voter=voter,
        choice=voting_round.options.get(code="for"),
        by=with_login(voter),
    )


def test_a_web_server_whose_clock_runs_an_hour_fast_still_accepts_ballots(
    meeting, seats, staff_user, settings
):
    assert settings.VOTING_CLOCK == "database"
    voting_round = make_round(meeting, by=staff_user, minutes=10)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        # Python thinks the vote closed 50 minutes ago; the database knows better.
        assert timezone.now() > voting_round.closes_at
        assert database_now() < voting_round.closes_at
        _cast(voting_round, seats[0].resident)
        # ... and a worker with that clock does not close the round early.
        assert not services.round_close(voting_round=voting_round)
        assert services.rounds_close_due() == 0
    voting_round.refresh_from_db()
    assert voting_round.status == RoundStatus.OPEN
    assert voting_round.receipts.count() == 1


def test_a_server_whose_clock_runs_slow_cannot_accept_a_late_ballot(
    meeting, seats, staff_user
):
    voting_round = make_round(meeting, by=staff_user, minutes=10)
    now = database_now()
    voting_round.__class__.objects.filter(pk=voting_round.pk).update(
        opens_at=now - timedelta(minutes=5), closes_at=now - timedelta(seconds=1)
    )
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        with pytest.raises(ValidationError) as late:
            _cast(voting_round, seats[1].resident)
        assert late.value.code == "closed"


def test_with_pythons_clock_the_skew_would_decide(meeting, seats, staff_user, settings):
    voting_round = make_round(meeting, by=staff_user, minutes=10)
    settings.VOTING_CLOCK = "python"
    with (
        time_machine.travel(timezone.now() + timedelta(hours=1)),
        pytest.raises(ValidationError),
    ):
        _cast(voting_round, seats[0].resident)
