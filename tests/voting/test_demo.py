import pytest

from council import demo as council_demo
from residents import demo as residents_demo
from topics import demo as topics_demo
from topics.models import TopicEventKind
from voting import demo
from voting.models import RoundStatus, VotingRound

pytestmark = pytest.mark.django_db


def test_demo_has_octobers_closed_vote_on_the_centre_and_an_open_one_in_december(
    django_capture_on_commit_callbacks,
):
    context = {"residents": 200, "communities": 2}
    residents_demo.seed(context)
    topics_demo.seed(context)
    council_demo.seed(context)
    demo.seed(context)
    demo.seed(context)
    community = context["community"]
    rounds = VotingRound.objects.filter(community=community)
    assert rounds.count() == 2
    october = rounds.get(meeting__title="十月居民议事会")
    assert october.status == RoundStatus.CLOSED
    result = october.result
    assert result.passed and result.quorum_met
    assert result.ballots_cast == 7 and result.electorate_size == 8
    topic = october.agenda_item.topic
    assert topic.title == "旧村部四楼改成儿童活动中心"
    assert topic.events.filter(kind=TopicEventKind.VOTED).count() == 1
    december = rounds.get(meeting__title="十二月居民议事会")
    assert december.status == RoundStatus.OPEN
    assert december.receipts.count() > 0
    assert december.electorate_size == community.residents.count()
