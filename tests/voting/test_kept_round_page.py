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


def _ballot_token(html: str, action: str) -> str:
    form = html[html.index(f'<form method="post" action="{action}"') :]
    start = form.index('name="csrfmiddlewaretoken" value="') + 34
    return form[start : form.index('"', start)]


def test_voters_who_have_not_voted_share_one_ballot_and_each_casts_with_it(
    committed, staff_user, session, django_capture_on_commit_callbacks
):
    """The blank ballot is kept per round and language (voting.views._blank_ballot):
    each voter's copy carries their own CSRF token, which the cast accepts."""
    from django.test import Client
    from django.urls import reverse

    from voting.models import BallotReceipt

    meeting, seats = session
    voting_round = committed(make_round, meeting, by=staff_user)
    page = voting_round.get_absolute_url()
    submit = reverse(
        "voting:ballot_submit", args=[meeting.community.slug, voting_round.pk]
    )
    tokens = []
    for seat in seats[:2]:
        client = Client(enforce_csrf_checks=True)
        client.force_login(with_login(seat.resident))
        html = client.get(page).content.decode()
        assert ">投票</button>" in html
        token = _ballot_token(html, submit)
        assert token and "placeholder" not in token
        tokens.append(token)
        option = voting_round.options.get(code="for")
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                submit,
                {"choice": option.pk, "csrfmiddlewaretoken": token},
            )
        assert answer.status_code in (200, 302), answer.content[:300]
        assert BallotReceipt.objects.filter(
            voting_round=voting_round, voter=seat.resident
        ).exists()
    assert tokens[0] != tokens[1]


def test_the_kept_ballot_is_in_each_voters_language(committed, staff_user, session):
    meeting, seats = session
    voting_round = committed(make_round, meeting, by=staff_user)
    chinese, english = (with_login(seat.resident) for seat in seats[:2])
    english.language = "en"
    english.save(update_fields=["language"])
    zh = opened(chinese, voting_round.get_absolute_url())
    en = opened(english, voting_round.get_absolute_url())
    assert ">Cast my ballot</button>" in en and ">投票</button>" in zh
    assert 'name="choice"' in zh and 'name="choice"' in en
