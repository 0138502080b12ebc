"""A small hand-made community whose every figure is known in advance.

Residents of 汀塘 (five):
  阿英 (login)  submits T1 (meeting 1) and T3 (meeting 2); checks in to meeting 1
                herself; opens meeting 1's agenda and reads its notice.
  伯伯 (offline) staff record topic T2 (meeting 1) and his check-in at meeting 1
                for him; the agenda notice reaches him by SMS.
  婶婶 (offline) the agenda notice of meeting 1 reaches her by SMS; nothing else.
  大东 (login)  active in two meetings: supports T1 (meeting 1), comments on T3
                and attends meeting 2 online; reads meeting 2's notice in his
                inbox (and a notice about his password, which does not count);
                pledges two bulbs for T1's outcome, rates it 3, opens its page.
  小闲 (login)  gets meeting 1's notice and never reads it; reads the notice
                asking to rate T1's outcome (awareness, not participation).
Meeting 1 votes on T1 (4 voters): 阿英 online, 伯伯 by proxy (staff). T1's outcome
was implemented on 25 November (20 days after T1 was submitted), 阿英 rates it 5;
of its two action items one is done, one overdue since 20 November.
Another community of the district (东峤) has one resident who submits a topic.
Everything happens in November 2026 (Asia/Shanghai); the residents were
registered in October.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from council.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    Meeting,
)
from notifications.models import Channel, Delivery, DeliveryStatus, Notification
from outcomes.models import (
    ActionItem,
    Outcome,
    Pledge,
    PledgeNeed,
    SatisfactionRating,
)
from reports.models import OpenedPage, PageOpen
from residents.models import Role
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    ResidentFactory,
    UserFactory,
)
from topics.models import CollectionWindow, Comment, Endorsement, Topic, TopicEvent
from voting.models import BallotReceipt, VotingRound

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 12, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


@dataclass
class Town:
    community: object
    other: object
    residents: dict
    meetings: list
    topics: dict
    staff: object


def _meeting(community, n, starts):
    window = CollectionWindow.objects.create(
        community=community,
        title=f"第{n}次议事会议题征集",
        opens_at=at(1),
        closes_at=at(starts.day - 3),
        closed_at=at(starts.day - 3),
        meeting_starts_at=starts,
    )
    return Meeting.objects.create(
        council=community.council,
        community=community,
        title=f"第{n}次议事会",
        starts_at=starts,
        ends_at=starts.replace(hour=starts.hour + 2),
        status="concluded",
        window=window,
        agenda_published_at=at(starts.day - 2),
    )


def _topic(community, window, submitter, title, created, *, recorded_by=None):
    topic = Topic.objects.create(
        community=community,
        window=window,
        submitter=submitter,
        recorded_by=recorded_by,
        title=title,
        description="说明",
        category="facilities",
        status="decided",
    )
    Topic.objects.filter(pk=topic.pk).update(created_at=created)
    topic.refresh_from_db()
    return topic


def _notice(resident, key, *, read_at=None, sms_at=None, user=None):
    notification = Notification.objects.create(
        community=resident.community,
        user=user or resident.user,
        resident=resident,
        kind="council_agenda_published",
        subject="议程已公布",
        body="议程已公布",
        dedupe_key=f"{key}:r{resident.pk}",
        event_key=key,
    )
    if read_at:
        Notification.objects.filter(pk=notification.pk).update(read_at=read_at)
    if sms_at:
        Delivery.objects.create(
            notification=notification,
            channel=Channel.SMS,
            address=resident.mobile,
            status=DeliveryStatus.SENT,
            sent_at=sms_at,
        )
    return notification


def _resident(community, name, *, login=True):
    user = None
    if login:
        user = UserFactory(display_name=name)
        MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    return ResidentFactory(community=community, user=user, name=name)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Figures are cached by community id, and ids repeat from test to test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def town(db):
    return build_town()


def build_town() -> Town:
    with time_machine.travel(at(20, month=10), tick=False):
        district = DistrictFactory()
        community = CommunityFactory(
            name="汀塘社区", slug="tingtang", district=district
        )
        other = CommunityFactory(name="东峤社区", slug="dongqiao", district=district)
        staff = UserFactory(display_name="林工作人员")
        MembershipFactory(user=staff, community=community, role=Role.STAFF)
        r = {
            "ying": _resident(community, "阿英"),
            "bobo": _resident(community, "伯伯", login=False),
            "shen": _resident(community, "婶婶", login=False),
            "dong": _resident(community, "大东"),
            "xian": _resident(community, "小闲"),
        }
        outsider = _resident(other, "外村人")
    with time_machine.travel(at(10), tick=False):
        m1 = _meeting(community, 1, at(15, 10))
        m2 = _meeting(community, 2, at(25, 10))
        t1 = _topic(community, m1.window, r["ying"], "修三号楼路灯", at(5))
        t2 = _topic(
            community,
            m1.window,
            r["bobo"],
            '=HYPERLINK("x")',
            at(8),
            recorded_by=staff,
        )
        t3 = _topic(community, m2.window, r["ying"], "加装电梯", at(18))
        _topic(other, None, outsider, "东峤的路", at(9))
        TopicEvent.objects.create(topic=t1, kind="decided", created_at=at(15))
        TopicEvent.objects.create(topic=t2, kind="decided", created_at=at(16))
        Endorsement.objects.create(topic=t1, resident=r["dong"])
        Comment.objects.create(
            topic=t3, author=r["dong"].user, author_resident=r["dong"], body="支持"
        )
        Attendance.objects.create(
            meeting=m1,
            role=AttendanceRole.OBSERVER,
            resident=r["ying"],
            status=AttendanceStatus.IN_PERSON,
            checked_in_at=at(15, 10),
        )
        Attendance.objects.create(
            meeting=m1,
            role=AttendanceRole.OBSERVER,
            resident=r["bobo"],
            status=AttendanceStatus.IN_PERSON,
            on_behalf=True,
            checked_in_by=staff,
            checked_in_at=at(15, 10),
        )
        Attendance.objects.create(
            meeting=m2,
            role=AttendanceRole.OBSERVER,
            resident=r["dong"],
            status=AttendanceStatus.ONLINE,
            checked_in_at=at(25, 10),
        )
        # Someone absent is no participant.
        Attendance.objects.create(
            meeting=m2,
            role=AttendanceRole.OBSERVER,
            resident=r["xian"],
            status=AttendanceStatus.ABSENT,
            checked_in_at=at(25, 10),
        )
        PageOpen.objects.create(
            community=community,
            resident=r["ying"],
            meeting=m1,
            page=OpenedPage.AGENDA,
            object_id=m1.pk,
            opened_at=at(13),
        )
        key1 = f"meeting:{m1.pk}:agenda_published"
        key2 = f"meeting:{m2.pk}:agenda_published"
        _notice(r["ying"], key1, read_at=at(13))
        _notice(r["bobo"], key1, sms_at=at(13))
        _notice(r["shen"], key1, sms_at=at(13))
        _notice(r["xian"], key1)
        _notice(r["dong"], key2, read_at=at(23))
        _notice(r["dong"], "password:changed", read_at=at(23))
        item = AgendaItem.objects.create(
            meeting=m1, position=1, topic=t1, title=t1.title
        )
        vote = VotingRound.objects.create(
            community=community,
            meeting=m1,
            agenda_item=item,
            question="是否同意修三号楼路灯？",
            opens_at=at(15, 10),
            closes_at=at(15, 11),
            quorum_rule="none",
            passing_threshold="simple_majority",
            status="closed",
            electorate_size=4,
        )
        BallotReceipt.objects.create(
            voting_round=vote, voter=r["ying"], via="web", cast_at=at(15, 10)
        )
        BallotReceipt.objects.create(
            voting_round=vote,
            voter=r["bobo"],
            via="proxy",
            cast_by=staff,
            cast_at=at(15, 10),
        )
        outcome = Outcome.objects.create(
            community=community,
            meeting=m1,
            agenda_item=item,
            topic=t1,
            decision="修好三号楼路灯。",
            responsible_organization=None,
            responsible_resident=r["dong"],
            status="implemented",
            decided_at=at(15),
            implemented_at=at(25),
        )
        ActionItem.objects.create(
            outcome=outcome,
            community=community,
            description="买灯泡",
            owner_user=staff,
            due_on=date(2026, 11, 20),
            status="in_progress",
        )
        ActionItem.objects.create(
            outcome=outcome,
            community=community,
            description="请电工",
            owner_user=staff,
            due_on=date(2026, 11, 22),
            status="done",
            done_at=at(21),
        )
        need = PledgeNeed.objects.create(
            outcome=outcome,
            community=community,
            description="灯泡",
            unit="个",
            quantity=10,
        )
        Pledge.objects.create(
            need=need,
            community=community,
            resident=r["dong"],
            quantity=2,
            pledged_at=at(16),
        )
        SatisfactionRating.objects.create(
            outcome=outcome, resident=r["ying"], score=5, created_at=at(26)
        )
        SatisfactionRating.objects.create(
            outcome=outcome, resident=r["dong"], score=3, created_at=at(26)
        )
        # The counters the outcomes services keep on the outcome.
        Outcome.objects.filter(pk=outcome.pk).update(
            rating_count=2, rating_total=8, action_total=2, action_done=1
        )
        _notice(r["xian"], f"outcome:{outcome.pk}:rate", read_at=at(26))
        PageOpen.objects.create(
            community=community,
            resident=r["dong"],
            meeting=m1,
            page=OpenedPage.OUTCOME,
            object_id=outcome.pk,
            opened_at=at(26),
        )
    return Town(
        community=community,
        other=other,
        residents=r,
        meetings=[m1, m2],
        topics={"t1": t1, "t2": t2, "t3": t3},
        staff=staff,
    )


@pytest.fixture
def november():
    return at(1, 0), datetime(2026, 12, 1, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    """The clock on 28 November 2026, ticking."""
    with time_machine.travel(at(28), tick=True):
        yield
