import pytest

from council import demo as council_demo
from residents import demo as residents_demo
from topics import demo
from topics.models import Comment, Topic, TopicStatus

pytestmark = pytest.mark.django_db


def test_demo_topics_are_idempotent_and_join_the_councils_window():
    context = {"residents": 200, "communities": 2}
    residents_demo.seed(context)
    demo.seed(context)
    demo.seed(context)
    community = context["community"]
    topics = Topic.objects.filter(community=community)
    assert (
        topics.count() == len(demo.TOPICS) + 1
    )  # one recorded for an offline resident
    assert topics.filter(recorded_by=context["users"]["staff"]).count() == 1
    assert all(t.endorsement_count > 5 for t in topics)
    assert Comment.objects.filter(
        topic__community=community, parent__isnull=False
    ).exists()
    for topic in topics:
        assert topic.endorsement_count == topic.endorsements.count()
        assert topic.comment_count == topic.comments.count()
    council_demo.seed(context)
    assert not Topic.objects.filter(
        community=community, window__isnull=True, status=TopicStatus.SUBMITTED
    ).exists()
