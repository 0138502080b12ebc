"""A round's page is kept but for the reader's ballot and the staff's tools
(voting.views._round_head, in voting.selectors.COMMUNITY_ROUNDS): a round closed
shows its result at once, and an open round's countdown moves on by itself.

Each write runs its on-commit callbacks, as a real request's commit does.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.pages import opened
from tests.voting.factories import cast, council_in_session, make_round, with_login
from voting import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(committed, community, staff_user):
    return committed(council_in_session, community, by=staff_user)


def test_a_closed_round_shows_its_result_at_once(committed, staff_user, session):
    meeting, seats = session
    voting_round = committed(make_round, meeting, by=staff_user)
    voter = with_login(seats[0].resident)
    assert "去投票" not in opened(voter, voting_round.get_absolute_url())  # kept now
    for seat in seats:
        committed(cast, voting_round, seat.resident)
    committed(
        services.round_close, voting_round=voting_round, now=voting_round.closes_at
    )
    html = opened(voter, voting_round.get_absolute_url())
    assert 'id="result-heading"' in html and "已截止" in html


def test_the_countdown_moves_on_by_itself(
    committed, staff_user, resident_user, session
):
    meeting, _seats = session
    with time_machine.travel(timezone.now(), tick=False) as clock:
        voting_round = committed(make_round, meeting, by=staff_user, minutes=35)
        clock.shift(timedelta(seconds=30))
        page = voting_round.get_absolute_url()
        assert "还剩 34 分钟" in opened(resident_user, page)  # kept now
        clock.shift(timedelta(minutes=2))
        assert "还剩 32 分钟" in opened(resident_user, page)


def test_each_reader_gets_their_own_ballot_under_the_kept_round(
    committed, staff_user, session
):
    meeting, seats = session
    voting_round = committed(make_round, meeting, by=staff_user)
    first, second = (with_login(seat.resident) for seat in seats[:2])
    committed(cast, voting_round, seats[0].resident, "against")
    mine = opened(first, voting_round.get_absolute_url())
    theirs = opened(second, voting_round.get_absolute_url())
    assert voting_round.question in mine and voting_round.question in theirs
    assert 'data-testid="my-choice">反对<' in mine
    assert "my-choice" not in theirs and 'name="choice"' in theirs


@pytest.mark.parametrize("multiple", [False, True])
def test_the_ballots_inputs_are_what_django_writes(
    committed, staff_user, session, multiple
):
    """option_input writes each option as {{ option.tag }} would, checked and
    required alike (the cast page renders no template per option)."""
    from voting.forms import BallotForm
    from voting.models import RoundKind
    from voting.templatetags.voting_tags import option_input

    meeting, _seats = session
    voting_round = committed(make_round, meeting, by=staff_user)
    if multiple:
        voting_round.kind, voting_round.max_choices = RoundKind.MULTIPLE, 2
    first = voting_round.options.order_by("position").first()
    for data in ({}, {"choice": [first.pk] if multiple else first.pk}):
        form = BallotForm(voting_round=voting_round, initial=data)
        inputs = list(form["choice"])
        assert len(inputs) == 3
        for option in inputs:
            assert option_input(option) == option.tag()
