import pytest

from council import demo
from council.models import Meeting, MeetingStatus, Seat
from council.quorum import meeting_quorum
from residents import demo as residents_demo
from topics import demo as topics_demo
from topics.models import Topic, TopicEventKind, TopicStatus

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_has_6_plus_x(django_capture_on_commit_callbacks):
    context = {"residents": 200, "communities": 2}
    residents_demo.seed(context)
    demo.seed(context)
    demo.seed(context)
    community = context["community"]
    assert Seat.objects.filter(council__community=community).current().count() == 8
    assert Seat.objects.filter(council__community=community).former().count() == 1
    kinds = {s.kind.code for s in Seat.objects.current().select_related("kind")}
    assert len(kinds) == 6
    meetings = Meeting.objects.filter(community=community)
    assert meetings.count() == 2
    past = meetings.get(status=MeetingStatus.CONCLUDED)
    upcoming = meetings.get(status=MeetingStatus.COLLECTING)
    assert upcoming.window.is_open()
    assert upcoming.invitations.count() == 1
    assert meeting_quorum(past).met
    resident = Seat.objects.get(resident__user=context["users"]["resident"])
    assert resident.kind.code == "women"


def test_demo_october_meeting_decided_the_childrens_centre_in_order():
    context = {"residents": 200, "communities": 1}
    residents_demo.seed(context)
    topics_demo.seed(context)
    demo.seed(context)
    community = context["community"]
    past = Meeting.objects.get(community=community, status=MeetingStatus.CONCLUDED)
    upcoming = Meeting.objects.get(community=community, status=MeetingStatus.COLLECTING)
    centre = Topic.objects.get(community=community, title=demo.CHILDREN_CENTRE["title"])
    assert centre.status == TopicStatus.DECIDED
    assert centre.window == past.window
    assert past.agenda_items.filter(topic=centre).exists()
    assert centre.endorsement_count > 5
    kinds = list(
        centre.events.order_by("created_at", "pk").values_list("kind", flat=True)
    )
    assert [kind for kind in kinds if kind != TopicEventKind.RECORDED] == [
        TopicEventKind.SUBMITTED,
        TopicEventKind.REVIEW_STARTED,
        TopicEventKind.ACCEPTED,
        TopicEventKind.DECIDED,
    ]
    decided_at = centre.events.get(kind=TopicEventKind.DECIDED).created_at
    assert past.started_at < decided_at < upcoming.created_at
    assert past.agenda_published_at < past.starts_at < past.concluded_at
    assert past.attendances.filter(role="stakeholder").count() == 1
    # December's collection holds the topics being discussed now, none decided.
    waiting = Topic.objects.filter(window=upcoming.window)
    assert waiting.count() == len(topics_demo.TOPICS) + 1
    assert not waiting.filter(status=TopicStatus.DECIDED).exists()
