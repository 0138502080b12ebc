"""Demo outcomes: the source's story told to the end.

The October meeting decided to turn the fourth floor of the old village office into
a children's activity centre; residents pledge the books (part received), the
youth reading club and the staff carry it out (one action item done, with a photo),
the street-light repair is implemented and rated, and the October minutes are
published with their PDF and confirmed by some representatives.

Runs after council.demo (which holds the October meeting). Idempotent: an agenda
item that already has an outcome is left as it is.
"""

import io
import random
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw

from council.models import AgendaItem, Meeting, MeetingStatus
from council.quorum import meeting_seats
from residents.models import Organization, OrganizationKind, Resident
from topics import services as topics_services
from topics.models import ConsultationPosition, Topic, TopicStatus
from voting.models import (
    BallotReceipt,
    Elector,
    ElectorRole,
    Option,
    OptionCode,
    RoundKind,
    RoundQuorum,
    RoundResult,
    RoundStatus,
    VotingRound,
)
from voting.services import ballot_hash, ballot_lines

from . import services
from .models import ActionStatus, ActionUpdate, Outcome, Pledge, PledgeReceipt

CENTRE_TOPIC = "旧村部四楼改成儿童活动中心"
LIGHTS_ITEM = "公共路灯维修"


def _write(context, line):
    writer = context.get("stdout")
    if writer:
        writer(line)


def _photo(name: str) -> ContentFile:
    """A drawn picture of shelves full of books (the demo has no camera)."""
    image = Image.new("RGB", (960, 640), (246, 241, 228))
    draw = ImageDraw.Draw(image)
    rng = random.Random(13)
    for shelf in range(4):
        top = 90 + shelf * 135
        draw.rectangle([80, top + 110, 880, top + 122], fill=(120, 82, 45))
        x = 90
        while x < 860:
            width = rng.randint(14, 30)
            height = rng.randint(70, 108)
            colour = rng.choice(
                [(200, 60, 50), (40, 110, 180), (230, 170, 40), (60, 150, 90)]
            )
            draw.rectangle([x, top + 110 - height, x + width, top + 110], fill=colour)
            x += width + 3
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name=name)


def _organization(community, kind, contains):
    return (
        Organization.objects.filter(community=community, kind=kind)
        .filter(name__contains=contains)
        .order_by("pk")
        .first()
        or Organization.objects.filter(community=community, kind=kind)
        .order_by("pk")
        .first()
    )


def _closed_round(item: AgendaItem, seats, *, question, against=1, abstain=1):
    """A vote held at the meeting (the meeting is past, so its rows are written here)."""
    meeting = item.meeting
    opened = meeting.starts_at + timedelta(minutes=40)
    voting_round = VotingRound.objects.create(
        community=meeting.community,
        meeting=meeting,
        agenda_item=item,
        question=question,
        kind=RoundKind.APPROVAL,
        quorum_rule=RoundQuorum.TWO_THIRDS,
        passing_threshold=meeting.council.passing_threshold,
        status=RoundStatus.CLOSED,
        electorate_size=len(seats),
        opens_at=opened,
        closes_at=opened + timedelta(minutes=15),
        opened_at=opened,
        announced_at=opened,
        closed_at=opened + timedelta(minutes=15),
        result_notified_at=opened + timedelta(minutes=16),
        created_at=opened - timedelta(minutes=5),
    )
    options = {
        code: Option.objects.create(voting_round=voting_round, position=n, code=code)
        for n, code in enumerate(
            [OptionCode.FOR, OptionCode.AGAINST, OptionCode.ABSTAIN]
        )
    }
    rows = []
    for n, seat in enumerate(seats):
        Elector.objects.create(
            voting_round=voting_round,
            resident=seat.resident,
            role=ElectorRole.REPRESENTATIVE,
            seat=seat,
        )
        if n == 1:
            continue  # on leave: did not vote
        code = OptionCode.AGAINST if n == 2 and against else OptionCode.FOR
        if n == 3 and abstain:
            code = OptionCode.ABSTAIN
        option = options[code]
        digest = secrets.token_hex(6).upper()
        receipt_code = f"{digest[0:4]}-{digest[4:8]}-{digest[8:12]}"
        BallotReceipt.objects.create(
            voting_round=voting_round,
            voter=seat.resident,
            options=[option.pk],
            code=receipt_code,
            salt=secrets.token_hex(8),
            cast_at=opened + timedelta(minutes=2 + n),
        )
        rows.append(([option.pk], receipt_code))
    counts = {str(o.pk): 0 for o in options.values()}
    for option_ids, _code in rows:
        counts[str(option_ids[0])] += 1
    cast = len(rows)
    votes_for = counts[str(options[OptionCode.FOR].pk)]
    votes_against = counts[str(options[OptionCode.AGAINST].pk)]
    required = -(-len(seats) * 2 // 3)
    passed = cast >= required and votes_for > votes_against
    RoundResult.objects.create(
        voting_round=voting_round,
        counts=counts,
        ballots_cast=cast,
        electorate_size=len(seats),
        quorum_rule=voting_round.quorum_rule,
        quorum_required=required,
        quorum_met=cast >= required,
        passing_threshold=voting_round.passing_threshold,
        passed=passed,
        winners=[options[OptionCode.FOR].pk] if passed else [],
        ballot_hash=ballot_hash(
            voting_round=voting_round,
            lines=ballot_lines(voting_round=voting_round, rows=rows),
        ),
        tallied_at=voting_round.closes_at,
    )
    return voting_round


def _centre_topic(community, meeting, item, by, social_worker):
    """Put the residents' topic on the October item, consulted before the meeting."""
    topic = Topic.objects.filter(community=community, title=CENTRE_TOPIC).first()
    if topic is None or item.topic_id:
        return item.topic
    Topic.objects.filter(pk=topic.pk).update(window=meeting.window)
    AgendaItem.objects.filter(pk=item.pk).update(topic=topic)
    item.topic = topic
    if topic.status in (
        TopicStatus.SUBMITTED,
        TopicStatus.IN_TRIAGE,
        TopicStatus.DEFERRED,
    ):
        topics_services.topic_accept(
            topic=topic, by=by, meeting=meeting.title, link=meeting.get_absolute_url()
        )
    reading_club = _organization(community, OrganizationKind.SOCIAL_ORG, "读书会")
    consulted = meeting.starts_at - timedelta(days=4)
    if reading_club is not None:
        topics_services.preconsultation_record(
            topic=topic,
            by=social_worker,
            consulted_at=consulted,
            position=ConsultationPosition.SUPPORTS,
            organization=reading_club,
            notes="读书会愿意每周六派志愿者陪伴孩子读书。",
            proposed_direction="四楼改为活动中心和图书角，由读书会运营。",
        )
    topics_services.preconsultation_record(
        topic=topic,
        by=social_worker,
        consulted_at=consulted + timedelta(days=1),
        position=ConsultationPosition.CONCERNS,
        outside_name="汀塘小学 林校长",
        notes="支持，但四楼没有电梯，要先做消防和楼梯安全检查。",
        proposed_direction="开放前请镇里做消防验收。",
    )
    return topic


def _pledges(outcome, community, by, residents, me, when):
    books = services.pledge_need_add(
        outcome=outcome, by=by, description="儿童图书", unit="本", quantity=300
    )
    money = services.pledge_need_add(
        outcome=outcome, by=by, description="书架和桌椅经费", unit="元", quantity=2000
    )
    volunteers = services.pledge_need_add(
        outcome=outcome, by=by, description="周六值班志愿者", unit="人", quantity=8
    )
    business = _organization(community, OrganizationKind.SOCIAL_RESOURCE, "爱心企业")
    volunteer_team = _organization(
        community, OrganizationKind.SOCIAL_RESOURCE, "志愿者"
    )
    made = []
    if me is not None:
        made.append(
            services.pledge_make(need=books, by=me.user, resident=me, quantity=20)
        )
    for resident, quantity in zip(
        residents, [30, 15, 10, 25, 12, 8, 20, 10], strict=False
    ):
        made.append(
            services.pledge_make(
                need=books,
                by=by,
                resident=resident,
                quantity=quantity,
                note="在村委会登记",
            )
        )
    if business is not None:
        made.append(
            services.pledge_make(need=books, by=by, organization=business, quantity=60)
        )
        services.pledge_make(need=money, by=by, organization=business, quantity=1500)
    if volunteer_team is not None:
        services.pledge_make(
            need=volunteers, by=by, organization=volunteer_team, quantity=5
        )
    # Part received: the first pledges have been brought in.
    for pledge in made[:6]:
        services.pledge_receive(
            pledge=pledge,
            by=by,
            quantity=pledge.quantity,
            received_on=timezone.localdate() - timedelta(days=5),
        )
    money_pledge = Pledge.objects.filter(need=money).first()
    if money_pledge is not None:
        services.pledge_receive(
            pledge=money_pledge,
            by=by,
            quantity=1000,
            received_on=timezone.localdate() - timedelta(days=8),
        )
    Pledge.objects.filter(need__outcome=outcome).update(pledged_at=when)
    PledgeReceipt.objects.filter(pledge__need__outcome=outcome).update(created_at=when)


def _centre(community, meeting, item, seats, users):
    staff, social_worker = users.get("staff"), users.get("social_worker")
    by = social_worker or staff
    _centre_topic(community, meeting, item, staff, by)
    voting_round = _closed_round(
        item, seats, question="是否同意把老村部四楼改建为儿童活动中心？"
    )
    reading_club = _organization(community, OrganizationKind.SOCIAL_ORG, "读书会")
    outcome = services.outcome_record(
        agenda_item=item,
        by=by,
        decision="同意把老村部四楼改建为儿童活动中心和图书角，图书由村民众筹，"
        "书架经费由爱心企业认捐，读书会负责日常运营。",
        discussion="代表们认为放学后留守儿童缺少去处；社工介绍了会前协商的情况。",
        dissent="一位代表担心四楼没有电梯，楼梯和消防安全要先解决。",
        voting_round=voting_round,
        responsible_organization=reading_club,
    )
    Outcome.objects.filter(pk=outcome.pk).update(decided_at=meeting.ends_at)
    pool = list(
        Resident.objects.filter(community=community, user__isnull=True)
        .exclude(pk__in=[s.resident_id for s in seats])
        .order_by("pk")[:8]
    )
    me = Resident.objects.filter(
        community=community, user=users.get("resident")
    ).first()
    _pledges(outcome, community, by, pool, me, meeting.ends_at + timedelta(days=2))
    cleared = services.action_item_add(
        outcome=outcome,
        by=by,
        description="清理四楼，完成消防和楼梯安全检查",
        due_on=timezone.localdate(meeting.ends_at) + timedelta(days=14),
        owner_user=staff or by,
    )
    owner = (
        {"owner_organization": reading_club}
        if reading_club is not None
        else {"owner_user": by}
    )
    shelves = services.action_item_add(
        outcome=outcome,
        by=by,
        description="安装书架，布置图书角，周六开放",
        due_on=timezone.localdate() + timedelta(days=10),
        **owner,
    )
    services.action_update_post(
        item=cleared,
        by=staff or by,
        text="四楼已清理完毕，镇消防站上门检查合格，楼梯加装了扶手。",
        status=ActionStatus.DONE,
        photos=[_photo("fourth-floor.jpg")],
    )
    services.action_update_post(
        item=shelves,
        by=by,
        text="书架已到货 6 个，已收到图书一百多本，正在分类上架。",
        status=ActionStatus.IN_PROGRESS,
    )
    ActionUpdate.objects.filter(action_item__outcome=outcome).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    return outcome


def _lights(community, meeting, item, seats, users):
    by = users.get("social_worker") or users.get("staff")
    voting_round = _closed_round(
        item, seats, question="是否同意用公共设施维修经费更换路灯？", against=0
    )
    owner = _organization(community, OrganizationKind.COMMUNITY_ORG, "")
    outcome = services.outcome_record(
        agenda_item=item,
        by=by,
        decision="同意用村集体公共设施维修经费，把三号楼门口两盏路灯换成太阳能路灯。",
        voting_round=voting_round,
        responsible_organization=owner,
    )
    Outcome.objects.filter(pk=outcome.pk).update(decided_at=meeting.ends_at)
    lamp = services.action_item_add(
        outcome=outcome,
        by=by,
        description="更换三号楼门口两盏路灯",
        due_on=timezone.localdate(meeting.ends_at) + timedelta(days=7),
        **({"owner_organization": owner} if owner is not None else {"owner_user": by}),
    )
    services.action_update_post(
        item=lamp,
        by=by,
        text="两盏太阳能路灯已装好，晚上亮到十一点。",
        status=ActionStatus.DONE,
    )
    outcome.refresh_from_db()
    raters = list(Resident.objects.filter(community=community).order_by("pk")[20:32])
    scores = [5, 5, 4, 5, 4, 3, 5, 4, 5, 4, 2, 5]
    comments = {
        0: "晚上出门终于看得清台阶了。",
        2: "修得很快，谢谢。",
        10: "希望其他楼也装。",
    }
    for n, (resident, score) in enumerate(zip(raters, scores, strict=False)):
        services.rating_submit(
            outcome=outcome,
            resident=resident,
            by=by,
            score=score,
            comment=comments.get(n, ""),
        )
    return outcome


def _minutes(meeting, items, users, seats):
    by = users.get("social_worker") or users.get("staff")
    minutes = services.minutes_for_meeting(meeting=meeting)
    if minutes.is_published:
        return minutes
    notes = {
        items[
            0
        ].pk: "会议一致认为活动中心开放前必须通过消防验收；社工负责跟进图书众筹。",
    }
    if len(items) > 1:
        notes[items[1].pk] = "路灯由村委会联系供电所更换，一周内完成。"
    version = services.minutes_publish(minutes=minutes, by=by, notes=notes)
    services.minutes_pdf_build(version=version)
    for seat in seats[:4]:
        services.minutes_confirm(
            minutes=minutes,
            resident=seat.resident,
            by=None,
            now=meeting.ends_at + timedelta(days=2),
        )
    return minutes


def seed(context: dict) -> None:
    community = context.get("community")
    if community is None:
        return
    users = context.get("users", {})
    meeting = (
        Meeting.objects.filter(community=community, status=MeetingStatus.CONCLUDED)
        .filter(Q(title__contains="十月"))
        .select_related("council", "community", "window")
        .first()
    )
    if meeting is None:
        return
    items = list(
        meeting.agenda_items.select_related("topic").order_by("position", "pk")
    )
    centre = next(
        (i for i in items if i.topic is not None and i.topic.title == CENTRE_TOPIC),
        None,
    )
    if centre is None or Outcome.objects.filter(agenda_item=centre).exists():
        return
    seats = list(meeting_seats(meeting))
    if not seats:
        return
    _centre(community, meeting, centre, seats, users)
    _write(
        context,
        f"{community.name}: the children's centre outcome, pledges and action items",
    )
    lights = next((i for i in items if i.title == LIGHTS_ITEM), None)
    if lights is not None:
        _lights(community, meeting, lights, seats, users)
    _minutes(meeting, items, users, seats)
    _write(
        context, f"{community.name}: {meeting.title} minutes published with their PDF"
    )
