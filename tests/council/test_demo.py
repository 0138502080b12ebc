import pytest

from council import demo
from council.models import Meeting, MeetingStatus, Seat
from council.quorum import meeting_quorum
from residents import demo as residents_demo

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
