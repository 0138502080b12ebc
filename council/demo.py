"""Demo data for the council: 6+X seats, one past concluded meeting, one upcoming.

Called by `manage.py seed_demo` after residents (and topics); idempotent: a
council that already has seats or meetings is left as it is.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from residents.models import Organization, OrganizationKind, Resident
from topics.services import collection_window_open

from . import services
from .models import (
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    SeatKind,
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


def _write(context, line):
    writer = context.get("stdout")
    if writer:
        writer(line)


def _seed_seats(council, community, users, by):
    if council.seats.exists():
        return []
    for code, count in SEAT_COUNTS.items():
        SeatKind.objects.filter(council=council, code=code).update(seat_count=count)
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
    for kind in council.seat_kinds.filter(code__in=SEAT_COUNTS).order_by("position"):
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
    backbone = next(s for s in seats if s.kind.code == "resident_backbone")
    replaced = services.seat_replace(
        seat=backbone,
        by=by,
        resident=next(pick),
        on=timezone.localdate() - timedelta(days=120),
        reason="外出务工",
    )
    seats[seats.index(backbone)] = replaced
    return seats


def _seed_past_meeting(council, community, seats, by):
    day = timezone.localdate() - timedelta(days=30)
    starts_at = _at(day, 19, 30)
    window = collection_window_open(
        community=community,
        title="十月居民议事会",
        opens_at=starts_at - timedelta(days=21),
        closes_at=starts_at - timedelta(days=council.collection_lead_days),
    )
    meeting = Meeting.objects.create(
        council=council,
        community=community,
        title="十月居民议事会",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="汀塘村委会",
        room="三楼会议室",
        description="讨论老村部四楼改建为儿童活动中心。",
        status=MeetingStatus.COLLECTING,
        window=window,
        created_by=by,
    )
    item = services.agenda_item_create(
        meeting=meeting,
        by=by,
        title="老村部四楼改建儿童活动中心",
        description="村民众筹图书，社会组织提供志愿者。",
    )
    services.agenda_item_create(meeting=meeting, by=by, title="公共路灯维修")
    Invitation.objects.create(
        agenda_item=item,
        meeting=meeting,
        outside_name="汀塘小学 林校长",
        outside_phone="13905940001",
        reason="活动中心服务学校的留守儿童",
        status=InvitationStatus.ACCEPTED,
        invited_by=by,
    )
    for index, seat in enumerate(seats):
        Attendance.objects.create(
            meeting=meeting,
            resident=seat.resident,
            seat=seat,
            role=AttendanceRole.REPRESENTATIVE,
            status=AttendanceStatus.ON_LEAVE
            if index == 1
            else AttendanceStatus.IN_PERSON,
            checked_in_by=by,
            on_behalf=True,
            checked_in_at=starts_at,
        )
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.CONCLUDED,
        agenda_published_at=starts_at - timedelta(days=3),
        started_at=starts_at,
        concluded_at=starts_at + timedelta(hours=2),
    )
    return meeting


def _seed_upcoming_meeting(community, by):
    day = timezone.localdate() + timedelta(days=12)
    starts_at = _at(day, 19, 30)
    meeting = services.meeting_schedule(
        community=community,
        by=by,
        title="十二月居民议事会",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="汀塘村委会",
        room="三楼会议室",
        description="欢迎居民提交议题：养老服务、公共设施维修、邻里关系、儿童教育。",
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
    council = services.council_for_community(community=community)
    seats = _seed_seats(council, community, users, by)
    if seats:
        _write(context, f"{community.name}: {len(seats)} council seats assigned")
    if not Meeting.objects.filter(council=council).exists():
        current = list(council.seats.current().select_related("kind", "resident"))
        past = _seed_past_meeting(council, community, current, by)
        upcoming = _seed_upcoming_meeting(community, by)
        _write(context, f"{community.name}: meetings {past.title}, {upcoming.title}")
    for other in context.get("communities", [])[1:]:
        services.council_for_community(community=other)
