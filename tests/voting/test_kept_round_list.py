"""The community's list of votes is kept rendered per community and viewer
(voting.selectors.COMMUNITY_ROUNDS): a round opened or closed shows on the next
visit, and an open round's countdown moves on by itself. Each write runs its
on-commit callbacks, as a real request's commit does.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.pages import opened
from tests.voting.factories import council_in_session, make_round
from voting import services

pytestmark = pytest.mark.django_db


def votes(user, community):
    return opened(user, reverse("voting:rounds", args=[community.slug]))


@pytest.fixture
def meeting(django_capture_on_commit_callbacks, community, staff_user):
    with django_capture_on_commit_callbacks(execute=True):
        meeting, _seats = council_in_session(community, by=staff_user)
    return meeting


def test_rounds_opened_and_closed_show_at_once(
    django_capture_on_commit_callbacks, community, staff_user, resident_user, meeting
):
    assert "还没有表决" in votes(resident_user, community)
    with django_capture_on_commit_callbacks(execute=True):
        voting_round = make_round(meeting, by=staff_user, minutes=90)
    page = votes(resident_user, community)
    assert voting_round.question in page and "还剩 1 小时" in page
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(voting_round=voting_round, now=voting_round.closes_at)
    page = votes(resident_user, community)
    assert 'data-testid="verdict"' in page and "还剩" not in page


def test_an_open_rounds_countdown_moves_on_by_itself(
    django_capture_on_commit_callbacks, community, staff_user, resident_user, meeting
):
    with django_capture_on_commit_callbacks(execute=True):
        voting_round = make_round(meeting, by=staff_user, minutes=90)
    # Minutes apart, well within what the cache keeps the page for.
    start = voting_round.closes_at - timedelta(minutes=62)
    with time_machine.travel(start, tick=False):
        assert "还剩 1 小时" in votes(resident_user, community)
    with time_machine.travel(start + timedelta(minutes=2, seconds=1), tick=False):
        assert "还剩 59 分钟" in votes(resident_user, community)
