"""The meeting page is kept rendered per meeting and viewer
(council.selectors.MEETING_PAGES): every change a service makes to the meeting, its
agenda, invitations, attendance or the council's seats shows on the next visit; the
timeline moves with the clock alone; a reader's own invitations are theirs alone;
the votes and outcomes sections show a round prepared, minutes published or an
outcome recorded at once.

Each write runs its on-commit callbacks, as a real request's commit does.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from core.fragments import KEPT_CSRF_TOKEN
from council import services
from council.models import SeatKind
from outcomes import services as outcome_services
from tests.council.factories import in_progress, schedule
from tests.factories import OrganizationFactory, ResidentFactory
from tests.pages import kept_reads, opened
from tests.voting.factories import council_in_session, make_round, with_login
from voting import services as voting_services

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def meeting_page(user, meeting):
    return opened(user, meeting.get_absolute_url())


def counts(seats, invited):
    return f"6+X：{seats} 位代表，另有 {invited} 位利益相关方受邀参加议程事项。"


def test_agenda_and_invitations_show_at_once(
    committed, staff_user, resident_user, meeting
):
    assert "还没有议程事项" in meeting_page(staff_user, meeting)  # kept now
    first = committed(
        services.agenda_item_create, meeting=meeting, by=staff_user, title="修路灯"
    )
    second = committed(
        services.agenda_item_create, meeting=meeting, by=staff_user, title="加装电梯"
    )
    html = meeting_page(staff_user, meeting)
    assert html.index("修路灯") < html.index("加装电梯")
    committed(services.agenda_item_move, item=second, by=staff_user, direction="up")
    html = meeting_page(staff_user, meeting)
    assert html.index("加装电梯") < html.index("修路灯")
    committed(services.agenda_item_remove, item=first, by=staff_user)
    assert "修路灯" not in meeting_page(staff_user, meeting)

    assert counts(6, 0) in meeting_page(resident_user, meeting)
    committed(
        services.invitation_create,
        agenda_item=second,
        by=staff_user,
        outside_name="物业公司",
        outside_phone="13800000000",
        reason="负责电梯维护",
    )
    assert counts(6, 1) in meeting_page(resident_user, meeting)
    assert "已邀请 1 位利益相关方" in meeting_page(staff_user, meeting)


def test_a_seat_assigned_shows_in_the_meetings_count(
    committed, community, staff_user, resident_user, meeting
):
    assert counts(6, 0) in meeting_page(resident_user, meeting)  # kept now
    kind = SeatKind.objects.filter(
        council=community.council, represents_organization=False
    ).first()
    kind.seat_count += 1
    kind.save(update_fields=["seat_count"])
    committed(
        services.seat_assign,
        council=community.council,
        by=staff_user,
        kind=kind,
        resident=ResidentFactory(community=community),
        term_start=timezone.localdate() - timedelta(days=1),
    )
    assert counts(7, 0) in meeting_page(resident_user, meeting)


def test_status_and_check_in_show_at_once(
    committed, staff_user, resident_user, meeting, seated
):
    _council, seats = seated
    committed(
        services.agenda_item_create, meeting=meeting, by=staff_user, title="修路灯"
    )
    assert "个出席" not in meeting_page(resident_user, meeting)  # kept now
    assert "开始会议" not in meeting_page(staff_user, meeting)
    committed(services.agenda_publish, meeting=meeting, by=staff_user, confirm=True)
    assert "6 个席位中 0 个出席" in meeting_page(resident_user, meeting)
    assert "开始会议" in meeting_page(staff_user, meeting)
    committed(services.meeting_start, meeting=meeting, by=staff_user, confirm=True)
    staff_html = meeting_page(staff_user, meeting)
    assert "开始会议" not in staff_html and "结束会议" in staff_html
    assert "6 个席位中 0 个出席" in meeting_page(resident_user, meeting)  # kept now
    committed(
        services.attendance_check_in,
        meeting=meeting,
        by=staff_user,
        resident=seats[0].resident,
    )
    assert "6 个席位中 1 个出席" in meeting_page(resident_user, meeting)
    assert "管理本次会议" not in meeting_page(resident_user, meeting)


def test_the_timeline_moves_with_the_clock_alone(
    staff_user, resident_user, community, seated
):
    """Moments less than the ten minutes an unannounced entry lives apart."""
    start = datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        meeting = schedule(community, by=staff_user, days=10)
        closes = meeting.window.closes_at  # in 3 days: 7 days before the meeting
        assert "还剩 3 天" in meeting_page(resident_user, meeting)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        html = meeting_page(resident_user, meeting)
        assert "当前： <strong>议题征集</strong>" in html and "还剩 2 天" in html
    with time_machine.travel(closes - timedelta(minutes=5), tick=False):
        assert "还剩 5 分钟" in meeting_page(resident_user, meeting)
    with time_machine.travel(closes + timedelta(minutes=1), tick=False):
        html = meeting_page(resident_user, meeting)
        assert "当前： <strong>会前协商</strong>" in html
        assert "我要提交议题" not in html


def test_a_residents_own_invitations_are_theirs_alone(
    committed, community, staff_user, resident_user, meeting
):
    item = committed(
        services.agenda_item_create, meeting=meeting, by=staff_user, title="修路灯"
    )
    neighbour = with_login(ResidentFactory(community=community, name="李大爷"))
    assert "您受到邀请" not in meeting_page(neighbour, meeting)  # kept now
    committed(
        services.invitation_create,
        agenda_item=item,
        by=staff_user,
        resident=resident_user.resident_records.get(),
        reason="住在路灯旁边",
    )
    html = meeting_page(resident_user, meeting)
    assert "您受到邀请" in html and "住在路灯旁边" in html
    assert "您受到邀请" not in meeting_page(neighbour, meeting)

    # A member of an organisation invited as such answers for it.
    shop = OrganizationFactory(community=community, name="便民超市")
    neighbour.resident_records.get().organizations.add(shop)
    committed(
        services.invitation_create,
        agenda_item=item,
        by=staff_user,
        organization=shop,
        reason="超市门口的路灯",
    )
    assert "超市门口的路灯" in meeting_page(neighbour, meeting)
    assert "超市门口的路灯" not in meeting_page(resident_user, meeting)


def test_each_reader_gets_their_own_form_token(
    staff_user, meeting, django_capture_on_commit_callbacks
):
    meeting_page(staff_user, meeting)  # kept now, with another reader's session
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert KEPT_CSRF_TOKEN not in html
    token = client.cookies["csrftoken"].value
    assert html.count('name="csrfmiddlewaretoken"') >= 2  # the steps, the item form
    with django_capture_on_commit_callbacks(execute=True):
        item = client.post(
            f"{meeting.get_absolute_url()}items/add/",
            {"title": "修路灯", "csrfmiddlewaretoken": token},
        )
    assert item.status_code == 302
    assert "修路灯" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_kept_page_asks_the_database_for_the_meeting_alone(
    committed,
    community,
    staff_user,
    resident_user,
    meeting,
    django_assert_max_num_queries,
):
    for n in range(12):
        committed(
            services.agenda_item_create,
            meeting=meeting,
            by=staff_user,
            title=f"事项{n}",
        )
    client = Client()
    client.force_login(resident_user)
    client.get(meeting.get_absolute_url())
    with django_assert_max_num_queries(3):  # the session, the login, the meeting
        page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200


def test_a_kept_meeting_page_reads_it_and_its_sections_in_one_round_trip(
    committed, community, staff_user, monkeypatch
):
    """The page and the votes and outcomes sections come from the cache together
    (council.views.meetings.meeting_page), an open round's too."""
    meeting, seats = committed(council_in_session, community, by=staff_user)
    voting_round = committed(make_round, meeting, by=staff_user)
    voter = with_login(seats[0].resident)
    html, reads = kept_reads(voter, meeting.get_absolute_url(), monkeypatch)
    assert meeting.title in html and voting_round.question in html
    assert reads == 1


def test_a_round_prepared_shows_to_staff_at_once_and_each_voter_sees_their_own(
    committed, community, staff_user
):
    meeting, seats = committed(council_in_session, community, by=staff_user)
    assert "准备表决" in meeting_page(staff_user, meeting)  # kept now
    draft = committed(make_round, meeting, by=staff_user, open_it=False)
    html = meeting_page(staff_user, meeting)
    assert draft.question in html and "草稿：还没有开始。" in html
    voter = with_login(seats[0].resident)
    assert draft.question not in meeting_page(voter, meeting)  # drafts: staff only

    committed(voting_services.round_open, voting_round=draft, by=staff_user)
    committed(
        voting_services.ballot_cast,
        voting_round=draft,
        voter=seats[0].resident,
        choice=draft.options.get(code="for"),
        by=voter,
    )
    assert "您已投票" in meeting_page(voter, meeting)
    other = with_login(seats[1].resident)
    assert "您已投票" not in meeting_page(other, meeting)

    committed(voting_services.round_close, voting_round=draft, now=draft.closes_at)
    assert "准备表决" in meeting_page(staff_user, meeting)  # kept now
    committed(services.meeting_conclude, meeting=meeting, by=staff_user)
    assert "准备表决" not in meeting_page(staff_user, meeting)  # a concluded meeting


def test_outcomes_and_minutes_show_on_the_meeting_page_at_once(
    committed, community, staff_user, social_worker, resident_user, meeting
):
    meeting = committed(in_progress, meeting, by=staff_user)
    item = meeting.agenda_items.get()
    assert "尚未记录议事结果" in meeting_page(resident_user, meeting)  # kept now
    committed(
        outcome_services.outcome_record,
        agenda_item=item,
        by=social_worker,
        decision="同意修路灯",
    )
    assert "尚未记录议事结果" not in meeting_page(resident_user, meeting)
    committed(services.meeting_conclude, meeting=meeting, by=staff_user)
    assert "查看会议纪要" not in meeting_page(resident_user, meeting)
    minutes = outcome_services.minutes_for_meeting(meeting=meeting)
    committed(outcome_services.minutes_publish, minutes=minutes, by=social_worker)
    assert "查看会议纪要" in meeting_page(resident_user, meeting)
