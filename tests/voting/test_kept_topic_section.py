"""The topic page's votes and outcomes sections are kept rendered per community and
viewer (voting.selectors.COMMUNITY_ROUNDS, outcomes.selectors.COMMUNITY_OUTCOMES)
while they are the same for every reader: a round opened or closed, an outcome
recorded, shows on the next visit; while a round is open, each reader sees whether
they have voted themselves.

Each write runs its on-commit callbacks, as a real request's commit does.
"""

from datetime import timedelta

import pytest

from council.models import AgendaItem
from outcomes import services as outcome_services
from tests.pages import kept_served, opened
from tests.topics.factories import TopicFactory
from tests.voting.factories import cast, council_in_session, make_round, with_login
from voting import services
from voting.models import VotingRound

pytestmark = pytest.mark.django_db


def topic_page(user, topic):
    return opened(user, topic.get_absolute_url())


@pytest.fixture
def topic(community):
    return TopicFactory(community=community, title="旧村部四楼改成儿童活动中心")


@pytest.fixture
def session(committed, community, staff_user, topic):
    return committed(council_in_session, community, by=staff_user, topic=topic)


def vote(committed, voting_round, voter, code="for"):
    committed(cast, voting_round, voter, code)


def test_a_round_opened_then_closed_shows_at_once(
    committed, staff_user, resident_user, topic, session
):
    meeting, seats = session
    assert 'id="votes"' not in topic_page(resident_user, topic)  # kept now
    voting_round = committed(make_round, meeting, by=staff_user)
    html = topic_page(resident_user, topic)
    assert voting_round.question in html and "去投票" in html

    for seat in seats:
        vote(committed, voting_round, seat.resident)
    committed(
        services.round_close, voting_round=voting_round, now=voting_round.closes_at
    )
    html = topic_page(resident_user, topic)
    assert "同意 6 · 反对 0 · 弃权 0" in html and "去投票" not in html


def test_a_closed_rounds_section_is_kept_until_a_round_changes(
    committed, staff_user, resident_user, topic, session
):
    meeting, seats = session
    voting_round = committed(make_round, meeting, by=staff_user)
    committed(
        services.round_close, voting_round=voting_round, now=voting_round.closes_at
    )
    assert voting_round.question in topic_page(resident_user, topic)  # kept now
    # Unannounced: the kept section does not know
    VotingRound.objects.filter(pk=voting_round.pk).update(question="改过的问题")
    assert "改过的问题" not in topic_page(resident_user, topic)
    item = AgendaItem.objects.get(meeting=meeting, topic=topic)
    second = committed(make_round, meeting, by=staff_user, item=item, question="第二轮")
    html = topic_page(resident_user, topic)
    assert "改过的问题" in html and second.question in html


def test_while_a_round_is_open_each_voter_sees_their_own_ballot(
    committed, staff_user, topic, session
):
    meeting, seats = session
    voting_round = committed(make_round, meeting, by=staff_user)
    first, second = seats[0].resident, seats[1].resident
    vote(committed, voting_round, first)
    assert "您已投票" in topic_page(with_login(first), topic)
    html = topic_page(with_login(second), topic)
    assert "去投票" in html and "您已投票" not in html
    meeting_html = opened(with_login(second), meeting.get_absolute_url())
    assert "您已投票" not in meeting_html  # kept now, for the second voter too
    vote(committed, voting_round, second)
    assert "您已投票" in topic_page(with_login(second), topic)
    assert "您已投票" in opened(with_login(second), meeting.get_absolute_url())


def test_an_outcome_recorded_shows_on_the_topic_page_at_once(
    committed, staff_user, resident_user, topic, session
):
    meeting, _seats = session
    assert 'id="outcome-topic"' not in topic_page(resident_user, topic)  # kept now
    item = AgendaItem.objects.get(meeting=meeting, topic=topic)
    committed(
        outcome_services.outcome_record,
        agenda_item=item,
        by=staff_user,
        decision="同意改建为儿童活动中心",
    )
    html = topic_page(resident_user, topic)
    assert 'id="outcome-topic"' in html and "同意改建为儿童活动中心" in html


def test_the_outcomes_section_is_kept_until_an_outcome_changes(
    committed, staff_user, resident_user, topic, session
):
    from outcomes.models import Outcome

    meeting, _seats = session
    item = AgendaItem.objects.get(meeting=meeting, topic=topic)
    outcome = committed(
        outcome_services.outcome_record,
        agenda_item=item,
        by=staff_user,
        decision="同意改建为儿童活动中心",
    )
    assert "同意改建为儿童活动中心" in topic_page(resident_user, topic)  # kept now
    Outcome.objects.filter(pk=outcome.pk).update(decision="改过的决议")  # unannounced
    assert "改过的决议" not in topic_page(resident_user, topic)
    outcome.refresh_from_db()
    committed(
        outcome_services.outcome_update,
        outcome=outcome,
        by=staff_user,
        decision="同意改建，明年开放",
    )
    assert "同意改建，明年开放" in topic_page(resident_user, topic)


def test_an_open_rounds_section_is_kept_with_each_readers_own_mark(
    committed, staff_user, topic, session, django_assert_max_num_queries
):
    """Kept while the round is open too (an unannounced edit does not show), each
    voter's "you have voted" chosen from it, by what is kept of their receipts:
    no query more, whatever the round."""
    meeting, seats = session
    voting_round = committed(make_round, meeting, by=staff_user)
    first, second = seats[0].resident, seats[1].resident
    vote(committed, voting_round, first)
    for page in (meeting.get_absolute_url(), topic.get_absolute_url()):
        assert "您已投票" in opened(with_login(first), page)  # kept now
    VotingRound.objects.filter(pk=voting_round.pk).update(question="改过的问题")
    for page in (meeting.get_absolute_url(), topic.get_absolute_url()):
        mine, theirs = opened(with_login(first), page), opened(with_login(second), page)
        assert "改过的问题" not in mine and "改过的问题" not in theirs
        assert "您已投票" in mine and "去投票" not in mine.split('id="votes"')[1]
        assert "去投票" in theirs and "您已投票" not in theirs
        assert "<!--mine" not in mine + theirs
    # The meeting's row; which of its rounds the reader voted in is kept too.
    for many in (False, True):
        if many:
            for seat in seats[2:]:
                vote(committed, voting_round, seat.resident)
        html = kept_served(
            with_login(first),
            meeting.get_absolute_url(),
            django_assert_max_num_queries,
            lookups=1,
        )
        assert "您已投票" in html


def test_an_open_rounds_countdown_moves_on_by_itself(
    committed, staff_user, resident_user, topic, session
):
    """The kept section ends at the countdown's next tick, not at its timeout."""
    import time_machine
    from django.utils import timezone

    meeting, _seats = session
    with time_machine.travel(timezone.now(), tick=False) as clock:
        voting_round = committed(make_round, meeting, by=staff_user, minutes=35)
        clock.shift(timedelta(seconds=30))
        assert "还剩 34 分钟" in topic_page(resident_user, topic)  # kept now
        clock.shift(timedelta(minutes=2))
        assert "还剩 32 分钟" in topic_page(resident_user, topic)
        assert voting_round.closes_at - timezone.now() > timedelta(minutes=32)
