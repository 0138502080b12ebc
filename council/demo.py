"""Demo data for the council: 6+X seats, one past concluded meeting, one upcoming.

Called by `manage.py seed_demo` after residents and topics; idempotent: a
council that already has seats or meetings is left as it is. Everything goes
through the services, so the demo obeys the rules the pages do: the October
meeting collected the children's-centre topic, accepted it, met and decided it;
December's collection is open with the topics residents are discussing now.
"""

import random
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.utils import timezone

from residents.models import Organization, OrganizationKind, Resident
from topics import demo as topics_demo
from topics.models import TopicCategory
from topics.services import collection_window_close, topic_mark_decided

from . import services
from .models import (
    AttendanceStatus,
    Meeting,
)

SEAT_COUNTS = {
    "residents_committee": 2,
    "resident_backbone": 2,
    "women": 1,
    "social_org": 1,
    "social_resource": 1,
    "social_worker": 1,
}


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@contextmanager
def _on(moment):
    """Run what follows as if it were `moment`: the services stamp their own times.

    The council's past (seats taken, the October meeting) is replayed through
    the same services as the pages use, each step on its own day, so histories
    read in order: collected, reviewed, published, held, decided.
    """
    import time_machine

    with time_machine.travel(moment, tick=True):
        yield


def _write(context, line):
    writer = context.get("stdout")
    if writer:
        writer(line)


def _seed_seats(council, community, users, by):
    if council.seats.exists():
        return []
    people = list(
        Resident.objects.filter(community=community, user__isnull=True)
        .exclude(mobile="")
        .order_by("pk")[:40]
    )
    demo_resident = None
    if users.get("resident"):
        demo_resident = Resident.objects.filter(
            community=community, user=users["resident"]
        ).first()
    orgs = {
        kind: Organization.objects.filter(community=community, kind=kind)
        .order_by("pk")
        .first()
        for kind in (OrganizationKind.SOCIAL_ORG, OrganizationKind.SOCIAL_RESOURCE)
    }
    # Each kind's first seat has an alternate, and one seat is handed over.
    needed = sum(SEAT_COUNTS.values()) + len(SEAT_COUNTS) + 1
    if len(people) < needed:
        return []  # too few residents without a login to seat a council
    term_start = timezone.localdate() - timedelta(days=400)
    seats = []
    pick = iter(people)
    with _on(_at(term_start, 9)):
        for kind in council.seat_kinds.filter(code__in=SEAT_COUNTS).order_by(
            "position"
        ):
            kind = services.seat_kind_update(
                kind=kind,
                by=by,
                name=kind.name,
                position=kind.position,
                seat_count=SEAT_COUNTS[kind.code],
            )
            for n in range(kind.seat_count):
                resident = (
                    demo_resident
                    if kind.code == "women" and demo_resident is not None
                    else next(pick)
                )
                organization = None
                if kind.code == "social_org":
                    organization = orgs[OrganizationKind.SOCIAL_ORG]
                elif kind.code == "social_resource":
                    organization = orgs[OrganizationKind.SOCIAL_RESOURCE]
                seats.append(
                    services.seat_assign(
                        council=council,
                        by=by,
                        kind=kind,
                        resident=resident,
                        alternate=next(pick) if n == 0 else None,
                        organization=organization,
                        term_start=term_start,
                    )
                )
    # One hand-over, so the council page shows who held a seat before.
    handed_over = timezone.localdate() - timedelta(days=120)
    backbone = next(s for s in seats if s.kind.code == "resident_backbone")
    with _on(_at(handed_over, 9)):
        replaced = services.seat_replace(
            seat=backbone,
            by=by,
            resident=next(pick),
            on=handed_over,
            reason="外出务工",
        )
    seats[seats.index(backbone)] = replaced
    return seats


# The topic the October meeting decided: residents submitted it into that
# meeting's collection, as topics.demo's topics go into December's.
CHILDREN_CENTRE = {
    "title": "旧村部四楼改成儿童活动中心",
    "description": "放学后很多留守儿童没地方去，旧村部四楼空着。"
    "建议改成儿童活动中心和图书角，书可以大家一起捐。",
    "category": TopicCategory.CHILDREN,
    "location": "旧村部四楼",
    "endorsers": 64,
    "comments": [
        ("support", "我愿意捐二十本书。"),
        ("concern", "四楼没有电梯，要注意楼梯安全和消防。"),
        ("suggestion", "可以请社工机构安排周末的作业辅导。"),
    ],
    "reply": "消防的事可以请镇里派人来看一下。",
}
DECISION = "同意将旧村部四楼改建为儿童活动中心，图书由村民众筹，社会组织提供志愿者。"


def _schedule(community, by, title, starts_at, description):
    """An evening meeting of two hours in the village office."""
    return services.meeting_schedule(
        community=community,
        by=by,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="汀塘村委会",
        room="三楼会议室",
        description=description,
    )


def _seed_past_meeting(council, community, seats, users):
    staff = users.get("staff")
    starts_at = _at(timezone.localdate() - timedelta(days=30), 19, 30)
    lead = timedelta(days=council.collection_lead_days)
    with _on(starts_at - timedelta(days=21)):
        meeting = _schedule(
            community,
            staff,
            "十月居民议事会",
            starts_at,
            "讨论老村部四楼改建为儿童活动中心。",
        )
    crowd = topics_demo.people(community, users)
    if not crowd["pool"]:
        return meeting
    with _on(starts_at - timedelta(days=20)):
        submitter = crowd["pool"][len(crowd["pool"]) // 2]
        topic = topics_demo.add_topic(
            community=community,
            spec=CHILDREN_CENTRE,
            submitter=submitter,
            by=submitter.user or staff,
            crowd=crowd,
            rng=random.Random(10),
        )
    with _on(starts_at - lead):
        collection_window_close(window=meeting.window)
    with _on(starts_at - lead + timedelta(days=1)):
        item = services.triage_accept(
            meeting=meeting, topic=topic, by=staff, note="涉及留守儿童，优先讨论。"
        )
        services.agenda_item_create(meeting=meeting, by=staff, title="公共路灯维修")
        invitation = services.invitation_create(
            agenda_item=item,
            by=staff,
            outside_name="汀塘小学 林校长",
            outside_phone="13905940001",
            reason="活动中心服务学校的留守儿童",
        )
        services.invitation_respond(invitation=invitation, by=staff, accept=True)
    with _on(starts_at - timedelta(days=3)):
        services.agenda_publish(meeting=meeting, by=staff)
    with _on(starts_at):
        services.meeting_start(meeting=meeting, by=staff)
        for index, seat in enumerate(seats):
            services.attendance_check_in(
                meeting=meeting,
                by=staff,
                resident=seat.resident,
                status=AttendanceStatus.ON_LEAVE
                if index == 1
                else AttendanceStatus.IN_PERSON,
            )
        services.attendance_check_in(meeting=meeting, by=staff, invitation=invitation)
    with _on(starts_at + timedelta(hours=2)):
        topic_mark_decided(
            topic=topic,
            by=staff,
            outcome=DECISION,
            meeting=meeting.title,
            link=meeting.get_absolute_url(),
        )
        services.meeting_conclude(meeting=meeting, by=staff)
    return meeting


def _seed_upcoming_meeting(community, by):
    day = timezone.localdate() + timedelta(days=12)
    starts_at = _at(day, 19, 30)
    meeting = _schedule(
        community,
        by,
        "十二月居民议事会",
        starts_at,
        "欢迎居民提交议题：养老服务、公共设施维修、邻里关系、儿童教育。",
    )
    item = services.agenda_item_create(
        meeting=meeting,
        by=by,
        title="儿童活动中心运营情况通报",
        description="社工通报活动中心开放三个月以来的情况。",
    )
    services.invitation_create(
        agenda_item=item,
        by=by,
        outside_name="汀塘小学 林校长",
        outside_phone="13905940001",
        reason="学校学生是活动中心的主要使用者",
    )
    return meeting


def seed(context: dict) -> None:
    community = context.get("community")
    if community is None:
        return
    users = context.get("users", {})
    by = users.get("staff")
    for other in context.get("communities", [community]):
        services.council_create(community=other)
    council = services.council_create(community=community)
    seats = _seed_seats(council, community, users, by)
    if seats:
        _write(context, f"{community.name}: {len(seats)} council seats assigned")
    if not Meeting.objects.filter(council=council).exists():
        current = list(council.seats.current().select_related("kind", "resident"))
        # December first: it collects the topics waiting now; October's story
        # then happens in October, with its own topic.
        upcoming = _seed_upcoming_meeting(community, by)
        past = _seed_past_meeting(council, community, current, users)
        _write(context, f"{community.name}: meetings {past.title}, {upcoming.title}")
