"""Attendance pages: the check-in list, htmx check-in, QR self check-in, quorum card."""

import pytest

from council import services
from council.models import Attendance, Seat
from tests.council.factories import in_progress, resident_login, schedule, url
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


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
    check_in = url(
        "self_check_in", community.slug, meeting.pk, meeting.self_check_in_code()
    )
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
        "self_check_in",
        community.slug,
        open_meeting.pk,
        open_meeting.self_check_in_code(),
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
        "self_check_in",
        community.slug,
        open_meeting.pk,
        open_meeting.self_check_in_code(),
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
    assert open_meeting.self_check_in_code() in html
    assert open_meeting.check_in_token not in html


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
            open_meeting.self_check_in_code(),
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
