"""Pages: permissions per role, isolation, QR check-in, htmx check-in, exports."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from council import services
from council.models import Attendance, Council, Meeting, MeetingStatus, Seat
from residents.models import Role
from tests.council.factories import in_progress, schedule
from tests.factories import MembershipFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"council:{name}", args=args)


def resident_login(community, name="李大伯"):
    user = UserFactory(display_name=name)
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    resident = ResidentFactory(community=community, user=user, name=name)
    return user, resident


# -- permissions -------------------------------------------------------------


def test_residents_and_district_officers_read_but_cannot_manage(
    login, community, resident_user, district_officer, open_meeting
):
    slug = community.slug
    for user in (resident_user, district_officer):
        client = login(user)
        assert client.get(url("council", slug)).status_code == 200
        assert client.get(url("meetings", slug)).status_code == 200
        assert client.get(url("meeting", slug, open_meeting.pk)).status_code == 200
        assert client.get(url("meeting_ics", slug, open_meeting.pk)).status_code == 200
        for name, args in [
            ("charter_edit", [slug]),
            ("seat_assign", [slug]),
            ("meeting_create", [slug]),
            ("meeting_edit", [slug, open_meeting.pk]),
            ("check_in_qr", [slug, open_meeting.pk]),
        ]:
            assert client.get(url(name, *args)).status_code == 403, (user, name)
        response = client.post(url("meeting_action", slug, open_meeting.pk, "conclude"))
        assert response.status_code == 403
    open_meeting.refresh_from_db()
    assert open_meeting.status == MeetingStatus.IN_PROGRESS


def test_district_officer_cannot_check_in_or_reply(
    login, community, district_officer, open_meeting
):
    client = login(district_officer)
    response = client.get(
        url(
            "self_check_in",
            community.slug,
            open_meeting.pk,
            open_meeting.check_in_token,
        )
    )
    assert response.status_code == 403


def test_social_worker_invites_but_does_not_manage(
    login, community, social_worker, meeting
):
    item = services.agenda_item_create(meeting=meeting, by=None, title="停车难")
    client = login(social_worker)
    slug = community.slug
    assert client.get(url("meeting_create", slug)).status_code == 403
    resident = ResidentFactory(community=community, name="郑阿姨")
    response = client.post(
        url("invitation_create", slug, meeting.pk, item.pk),
        {"who": "resident", "resident": "郑阿姨", "reason": "住在停车场旁"},
    )
    assert response.status_code == 302
    assert item.invitations.get().resident == resident


def test_staff_of_another_community_gets_404_or_403_everywhere(
    login, community, other_staff_user, open_meeting, seated
):
    client = login(other_staff_user)
    slug = community.slug
    m = open_meeting
    item = m.agenda_items.first()
    seat = seated[1][0]
    gets = [
        ("council", [slug]),
        ("charter_edit", [slug]),
        ("seat_kinds_edit", [slug]),
        ("seat_assign", [slug]),
        ("seat_end", [slug, seat.pk]),
        ("meetings", [slug]),
        ("meeting_create", [slug]),
        ("meeting", [slug, m.pk]),
        ("meeting_edit", [slug, m.pk]),
        ("agenda_item", [slug, m.pk, item.pk]),
        ("attendance", [slug, m.pk]),
        ("check_in_qr", [slug, m.pk]),
        ("quorum", [slug, m.pk]),
        ("meeting_ics", [slug, m.pk]),
        ("meeting_print", [slug, m.pk]),
        ("self_check_in", [slug, m.pk, m.check_in_token]),
    ]
    for name, args in gets:
        assert client.get(url(name, *args)).status_code in (403, 404), name
    # Their own community's URLs with our ids: 404.
    other = other_staff_user.memberships.get().community
    for name, args in [
        ("meeting", [other.slug, m.pk]),
        ("attendance", [other.slug, m.pk]),
        ("seat_end", [other.slug, seat.pk]),
        ("agenda_item", [other.slug, m.pk, item.pk]),
        ("quorum", [other.slug, m.pk]),
        ("meeting_print", [other.slug, m.pk]),
        ("meeting_ics", [other.slug, m.pk]),
    ]:
        assert client.get(url(name, *args)).status_code == 404, name
    posts = [
        ("meeting_action", [other.slug, m.pk, "conclude"], {}),
        (
            "attendance_mark",
            [other.slug, m.pk],
            {"resident": seat.resident_id, "status": "in_person"},
        ),
        ("agenda_item_move", [other.slug, m.pk, item.pk], {"direction": "up"}),
        ("seat_end", [other.slug, seat.pk], {"ended_on": "2026-01-01"}),
        (
            "attendance_mark",
            [slug, m.pk],
            {"resident": seat.resident_id, "status": "in_person"},
        ),
    ]
    for name, args, data in posts:
        assert client.post(url(name, *args), data).status_code in (403, 404), name
    m.refresh_from_db()
    assert m.status == MeetingStatus.IN_PROGRESS
    assert not Attendance.objects.exists()
    assert Seat.objects.get(pk=seat.pk).ended_on is None


def test_drafts_are_hidden_from_residents(login, community, resident_user, staff_user):
    draft = schedule(community, by=staff_user, draft=True, title="内部草稿")
    client = login(resident_user)
    assert client.get(url("meeting", community.slug, draft.pk)).status_code == 404
    assert (
        "内部草稿" not in client.get(url("meetings", community.slug)).content.decode()
    )
    staff = login(staff_user)
    assert "内部草稿" in staff.get(url("meetings", community.slug)).content.decode()


# -- forms -----------------------------------------------------------------------


def test_schedule_form_takes_beijing_time_and_shows_errors_in_chinese(
    login, community, staff_user
):
    client = login(staff_user)
    start = timezone.localtime() + timedelta(days=12)
    data = {
        "title": "十二月议事会",
        "starts_at": start.strftime("%Y-%m-%dT19:30"),
        "ends_at": start.strftime("%Y-%m-%dT21:00"),
        "place": "汀塘村委会",
        "room": "三楼",
    }
    response = client.post(url("meeting_create", community.slug), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    local = timezone.localtime(meeting.starts_at)
    assert (local.hour, local.minute) == (19, 30)
    assert meeting.starts_at.utcoffset() is not None
    assert timezone.localtime(meeting.starts_at).tzname() == "CST"
    # Too soon: field error in Chinese, input kept.
    soon = timezone.localtime() + timedelta(days=3)
    data.update(
        title="太近的会",
        starts_at=soon.strftime("%Y-%m-%dT10:00"),
        ends_at=soon.strftime("%Y-%m-%dT11:00"),
    )
    response = client.post(url("meeting_create", community.slug), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "议题征集已经来不及" in page
    assert "太近的会" in page
    data["confirm_short_window"] = "on"
    assert client.post(url("meeting_create", community.slug), data).status_code == 302


def test_schedule_form_rejects_garbage_without_500(login, community, staff_user):
    client = login(staff_user)
    response = client.post(
        url("meeting_create", community.slug),
        {"title": "", "starts_at": "明天", "ends_at": "", "place": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请修改以下内容" in page
    assert not Meeting.objects.exists()


def test_reschedule_page_moves_the_deadline(login, community, staff_user, meeting):
    client = login(staff_user)
    new_start = timezone.localtime(meeting.starts_at) + timedelta(days=7)
    response = client.post(
        url("meeting_edit", community.slug, meeting.pk),
        {
            "title": meeting.title,
            "starts_at": new_start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (new_start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": meeting.place,
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    meeting.window.refresh_from_db()
    assert meeting.window.closes_at == meeting.starts_at - timedelta(days=7)
    page = client.get(url("meeting", community.slug, meeting.pk)).content.decode()
    assert "还剩" in page


def test_seat_assign_by_name_or_mobile_and_history(login, community, staff_user):
    council = services.council_for_community(community=community)
    kind = council.seat_kinds.get(code="women")
    first = ResidentFactory(community=community, name="黄秀英", mobile="13800000001")
    second = ResidentFactory(community=community, name="陈美玲")
    client = login(staff_user)
    response = client.post(
        url("seat_assign", community.slug),
        {"kind": kind.pk, "resident": "138 0000 0001", "term_start": "2026-01-01"},
    )
    assert response.status_code == 302, response.content.decode()
    seat = Seat.objects.get(resident=first)
    response = client.post(
        url("seat_assign", community.slug),
        {"kind": kind.pk, "resident": "陈美玲", "term_start": "2026-01-01"},
    )
    assert "已满" in response.content.decode()
    response = client.post(
        url("seat_replace", community.slug, seat.pk),
        {
            "resident": "陈美玲",
            "on": timezone.localdate().isoformat(),
            "reason": "搬家",
        },
    )
    assert response.status_code == 302
    page = client.get(url("council", community.slug)).content.decode()
    assert "陈美玲" in page and "黄秀英" in page and "由 陈美玲 接任" in page
    assert Seat.objects.current().get(kind=kind).resident == second


def test_unknown_resident_name_is_a_field_error(login, community, staff_user):
    council = services.council_for_community(community=community)
    client = login(staff_user)
    response = client.post(
        url("seat_assign", community.slug),
        {
            "kind": council.seat_kinds.first().pk,
            "resident": "不存在的人",
            "term_start": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "本社区没有名为或手机号为 不存在的人 的居民" in response.content.decode()


def test_charter_change_is_logged_with_who(login, community, staff_user):
    client = login(staff_user)
    response = client.post(
        url("charter_edit", community.slug),
        {
            "name": "",
            "collection_lead_days": 5,
            "quorum_rule": "majority",
            "passing_threshold": "two_thirds",
            "stakeholders_vote": "",
            "required_kind_coverage": 4,
        },
    )
    assert response.status_code == 302
    council = Council.objects.get(community=community)
    assert council.collection_lead_days == 5 and not council.stakeholders_vote
    change = council.changes.get()
    assert change.changed_by == staff_user
    assert set(change.changes) == {
        "collection_lead_days",
        "quorum_rule",
        "passing_threshold",
        "stakeholders_vote",
    }
    page = client.get(url("council", community.slug)).content.decode()
    assert "议事规则已修改" in page and "7 → 5" in page


def test_seat_kinds_rename_reorder_resize(login, community, staff_user):
    council = services.council_for_community(community=community)
    kinds = list(council.seat_kinds.order_by("position"))
    client = login(staff_user)
    data = {"form-TOTAL_FORMS": 6, "form-INITIAL_FORMS": 6}
    for i, kind in enumerate(kinds):
        data[f"form-{i}-id"] = kind.pk
        data[f"form-{i}-name"] = "老年人代表" if i == 5 else ""
        data[f"form-{i}-position"] = 0 if i == 5 else kind.position
        data[f"form-{i}-seat_count"] = 3 if i == 0 else 1
    response = client.post(url("seat_kinds_edit", community.slug), data)
    assert response.status_code == 302
    first = council.seat_kinds.order_by("position").first()
    assert first.label == "老年人代表"
    assert council.seat_kinds.get(code="residents_committee").seat_count == 3


# -- invitations -------------------------------------------------------------------


def test_invitee_accepts_from_the_meeting_page(login, community, staff_user, meeting):
    user, resident = resident_login(community)
    item = services.agenda_item_create(meeting=meeting, by=staff_user, title="加装电梯")
    invitation = services.invitation_create(
        agenda_item=item, by=staff_user, resident=resident, reason="住六楼"
    )
    client = login(user)
    page = client.get(url("meeting", community.slug, meeting.pk)).content.decode()
    assert "您受到邀请" in page and "住六楼" in page
    response = client.post(
        url("invitation_respond", community.slug, invitation.pk), {"answer": "accept"}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.responded_by == user
    # Someone else cannot answer for them.
    other, _r = resident_login(community, name="路人")
    response = login(other).post(
        url("invitation_respond", community.slug, invitation.pk), {"answer": "decline"}
    )
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_invitation_form_requires_fields_for_the_chosen_kind(
    login, community, staff_user, meeting
):
    item = services.agenda_item_create(meeting=meeting, by=staff_user, title="x")
    client = login(staff_user)
    response = client.post(
        url("invitation_create", community.slug, meeting.pk, item.pk),
        {"who": "outside", "outside_name": "张经理", "reason": "物业"},
    )
    assert response.status_code == 200
    assert "此项为必填项" in response.content.decode()
    response = client.post(
        url("invitation_create", community.slug, meeting.pk, item.pk),
        {
            "who": "outside",
            "outside_name": "张经理",
            "outside_phone": "13911112222",
            "reason": "物业",
            "resident": "ignored",
        },
    )
    assert response.status_code == 302
    assert item.invitations.get().outside_name == "张经理"


# -- attendance and QR --------------------------------------------------------------


def test_htmx_check_in_updates_quorum(
    login, community, staff_user, open_meeting, seated
):
    _council, seats = seated
    client = login(staff_user)
    for seat in seats[:3]:
        response = client.post(
            url("attendance_mark", community.slug, open_meeting.pk),
            {"resident": seat.resident_id, "status": "in_person"},
            HTTP_HX_REQUEST="true",
        )
        assert "未达法定人数" in response.content.decode()
    response = client.post(
        url("attendance_mark", community.slug, open_meeting.pk),
        {"resident": seats[3].resident_id, "status": "online"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "已达法定人数" in page and "6 个席位中 4 个出席" in page
    attendance = Attendance.objects.get(resident=seats[3].resident)
    assert attendance.on_behalf and attendance.checked_in_by == staff_user


def test_qr_check_in_for_a_representative_while_in_progress(
    login, community, staff_user, seated
):
    _council, seats = seated
    user, resident = resident_login(community)
    Seat.objects.filter(pk=seats[0].pk).update(resident=resident)
    meeting = schedule(community, by=staff_user)
    check_in = url("self_check_in", community.slug, meeting.pk, meeting.check_in_token)
    client = login(user)
    # Before the meeting is open: refused with the reason.
    response = client.post(check_in, {"status": "in_person"})
    assert response.status_code == 400
    assert "只有会议进行中才能签到" in response.content.decode()
    meeting = in_progress(meeting, by=staff_user)
    response = client.post(check_in, {"status": "in_person"})
    assert response.status_code == 200
    assert "您已签到" in response.content.decode()
    attendance = Attendance.objects.get(resident=resident)
    assert attendance.role == "representative" and not attendance.on_behalf
    services.meeting_conclude(meeting=meeting, by=staff_user)
    Attendance.objects.all().delete()
    response = client.post(check_in, {"status": "in_person"})
    assert response.status_code == 400 and not Attendance.objects.exists()


def test_qr_check_in_refused_for_someone_not_invited(
    login, community, staff_user, open_meeting
):
    user, _resident = resident_login(community)
    check_in = url(
        "self_check_in", community.slug, open_meeting.pk, open_meeting.check_in_token
    )
    response = login(user).post(check_in, {"status": "in_person"})
    assert response.status_code == 400
    assert "不在本次会议的邀请名单中" in response.content.decode()
    assert not Attendance.objects.exists()


def test_qr_check_in_for_an_invited_stakeholder(
    login, community, staff_user, open_meeting
):
    user, resident = resident_login(community)
    item = open_meeting.agenda_items.first()
    services.invitation_create(
        agenda_item=item, by=staff_user, resident=resident, reason="x"
    )
    check_in = url(
        "self_check_in", community.slug, open_meeting.pk, open_meeting.check_in_token
    )
    response = login(user).post(check_in, {"status": "in_person"})
    assert response.status_code == 200
    assert Attendance.objects.get(resident=resident).role == "stakeholder"


def test_qr_wrong_token_is_404(login, community, staff_user, open_meeting):
    user, _resident = resident_login(community)
    bad = url("self_check_in", community.slug, open_meeting.pk, "guessed")
    assert login(user).get(bad).status_code == 404


def test_qr_page_shows_an_svg_with_the_check_in_address(
    login, community, staff_user, open_meeting
):
    page = login(staff_user).get(url("check_in_qr", community.slug, open_meeting.pk))
    html = page.content.decode()
    assert "<svg" in html
    assert open_meeting.check_in_token in html


# -- exports -------------------------------------------------------------------------


def test_ics_is_valid_icalendar(login, community, staff_user, meeting):
    services.meeting_reschedule(
        meeting=meeting,
        by=staff_user,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        description="讨论停车, 路灯; 以及\n加装电梯",
    )
    meeting.refresh_from_db()
    response = login(staff_user).get(url("meeting_ics", community.slug, meeting.pk))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode("utf-8")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    unfolded = body.replace("\r\n ", "")
    start = meeting.starts_at.astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in unfolded
    assert "讨论停车\\, 路灯\\; 以及\\n加装电梯" in unfolded
    assert (
        f"URL:http://testserver/c/{community.slug}/council/meetings/{meeting.pk}/"
        in unfolded
    )
    for line in body.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75


def test_print_notice_has_agenda_and_qr(login, community, staff_user, meeting):
    services.agenda_item_create(meeting=meeting, by=staff_user, title="加装电梯")
    html = (
        login(staff_user)
        .get(url("meeting_print", community.slug, meeting.pk))
        .content.decode()
    )
    assert "议事会议通知" in html and "加装电梯" in html and "<svg" in html
    assert "size: A4" in html


def test_check_in_list_finds_by_name_and_keeps_the_page(
    login, community, staff_user, open_meeting, seated
):
    _council, seats = seated
    client = login(staff_user)
    name = seats[2].resident.name
    page = client.get(
        url("attendance", community.slug, open_meeting.pk), {"q": name}
    ).content.decode()
    assert page.count('type="hidden" name="resident"') == 1
    assert "应到 12 人，已到 0 人" in page
    response = client.post(
        url("attendance_mark", community.slug, open_meeting.pk),
        {"resident": seats[2].resident_id, "status": "in_person", "q": name},
    )
    assert response.status_code == 302 and "q=" in response["Location"]
    page = client.get(
        url("attendance", community.slug, open_meeting.pk), {"q": "没有这个人"}
    ).content.decode()
    assert "名单上没有叫 没有这个人 的人" in page


def test_pages_in_english_for_an_english_user(login, community, staff_user, meeting):
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    client = login(staff_user)
    client.cookies["django_language"] = "en"
    page = client.get(
        url("meeting", community.slug, meeting.pk), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Timeline" in page and "days left" in page and "collecting topics" in page
    page = client.get(url("council", community.slug), HTTP_ACCEPT_LANGUAGE="en")
    assert "Women&#x27;s representative" in page.content.decode()


def test_agenda_up_down_with_htmx_and_without(login, community, staff_user, meeting):
    for title in ("甲", "乙", "丙"):
        services.agenda_item_create(meeting=meeting, by=staff_user, title=title)
    third = meeting.agenda_items.get(title="丙")
    client = login(staff_user)
    move = url("agenda_item_move", community.slug, meeting.pk, third.pk)
    response = client.post(move, {"direction": "up"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="agenda-list"' in html
    assert html.index("丙") < html.index("乙")
    response = client.post(move, {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith("#agenda")
    titles = list(
        meeting.agenda_items.order_by("position").values_list("title", flat=True)
    )
    assert titles == ["丙", "甲", "乙"]
    # A resident cannot reorder.
    user, _resident = resident_login(community)
    assert login(user).post(move, {"direction": "down"}).status_code == 403


def test_staff_check_in_an_elderly_resident_is_recorded_as_on_behalf(
    login, community, staff_user, open_meeting
):
    elderly = ResidentFactory(community=community, name="林阿婆", is_elderly_alone=True)
    client = login(staff_user)
    response = client.post(
        url("attendance_add", community.slug, open_meeting.pk),
        {"resident": "林阿婆", "status": "in_person"},
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(resident=elderly)
    assert attendance.on_behalf and attendance.checked_in_by == staff_user
    assert attendance.role == "observer"
    page = client.get(
        url("attendance", community.slug, open_meeting.pk)
    ).content.decode()
    assert "林阿婆" in page and "代为签到" in page


def test_member_of_an_invited_organisation_replies_and_checks_in(
    login, community, staff_user, open_meeting
):
    from tests.factories import OrganizationFactory

    user, resident = resident_login(community, name="物业小陈")
    org = OrganizationFactory(community=community, name="汀塘物业")
    org.members.add(resident)
    invitation = services.invitation_create(
        agenda_item=open_meeting.agenda_items.first(),
        by=staff_user,
        organization=org,
        reason="负责停车管理",
    )
    client = login(user)
    response = client.post(
        url("invitation_respond", community.slug, invitation.pk), {"answer": "accept"}
    )
    assert response.status_code == 302
    response = client.post(
        url(
            "self_check_in",
            community.slug,
            open_meeting.pk,
            open_meeting.check_in_token,
        ),
        {"status": "in_person"},
    )
    assert response.status_code == 200
    attendance = Attendance.objects.get(resident=resident)
    assert attendance.role == "stakeholder" and attendance.invitation == invitation


def test_district_officer_gets_no_check_in_list_and_cannot_mark(
    login, community, district_officer, open_meeting, seated
):
    client = login(district_officer)
    page = client.get(url("attendance", community.slug, open_meeting.pk))
    assert page.status_code == 403
    response = client.post(
        url("attendance_mark", community.slug, open_meeting.pk),
        {"resident": seated[1][0].resident_id, "status": "in_person"},
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_quorum_card_polls_while_in_progress_and_sees_qr_check_ins(
    login, community, staff_user, resident_user, open_meeting, seated
):
    client = login(staff_user)
    page = client.get(
        url("attendance", community.slug, open_meeting.pk)
    ).content.decode()
    assert 'hx-trigger="every 10s"' in page
    services.attendance_check_in(
        meeting=open_meeting, by=staff_user, resident=seated[1][0].resident
    )
    card = login(resident_user).get(url("quorum", community.slug, open_meeting.pk))
    assert card.status_code == 200
    assert "6 个席位中 1 个出席" in card.content.decode()


def test_state_buttons_through_the_pages(login, community, staff_user, seated):
    client = login(staff_user)
    slug = community.slug
    draft = schedule(community, by=staff_user, draft=True)
    action = lambda m, a: url("meeting_action", slug, m.pk, a)  # noqa: E731
    response = client.post(action(draft, "publish"), follow=True)
    assert "请先安排会议：它还是草稿" in response.content.decode()
    client.post(action(draft, "announce"))
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.COLLECTING and draft.window_id
    response = client.post(action(draft, "publish"), follow=True)
    assert "发布前请至少添加一个议程事项" in response.content.decode()
    item = services.agenda_item_create(meeting=draft, by=staff_user, title="删掉我")
    services.agenda_item_create(meeting=draft, by=staff_user, title="留下")
    client.post(url("agenda_item_remove", slug, draft.pk, item.pk))
    assert list(draft.agenda_items.values_list("title", flat=True)) == ["留下"]
    client.post(action(draft, "publish"))
    response = client.post(action(draft, "conclude"), follow=True)
    assert "只有进行中的会议才能结束" in response.content.decode()
    client.post(action(draft, "start"))
    client.post(action(draft, "conclude"))
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.CONCLUDED
    assert client.post(action(draft, "explode")).status_code == 404


def test_cancel_page_keeps_the_meeting_in_the_past_list(
    login, community, staff_user, meeting
):
    client = login(staff_user)
    response = client.post(
        url("meeting_cancel", community.slug, meeting.pk), {"reason": "台风预警"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    past = client.get(url("meetings", community.slug), {"show": "past"})
    assert meeting.title in past.content.decode()
    page = client.get(url("meeting", community.slug, meeting.pk)).content.decode()
    assert "本次会议已取消" in page and "台风预警" in page
    assert Meeting.objects.filter(pk=meeting.pk).exists()
