"""Correcting someone's attendance keeps the earlier state in its history; the
quorum counts only the current state."""

import pytest
import time_machine
from django.urls import reverse

from council import services
from council.models import Attendance, AttendanceChange
from council.quorum import meeting_quorum

pytestmark = pytest.mark.django_db


def mark(client, community, meeting, resident, status):
    return client.post(
        reverse("council:attendance_mark", args=[community.slug, meeting.pk]),
        {"resident": resident.pk, "status": status},
        HTTP_HX_REQUEST="true",
    )


def test_a_correction_keeps_the_earlier_state_and_quorum_counts_the_current(
    community, staff_user, open_meeting, seated
):
    representative = seated[1][0].resident
    with time_machine.travel("2026-11-29 06:35:00+00:00", tick=False):
        services.attendance_check_in(
            meeting=open_meeting, by=staff_user, resident=representative
        )
    assert meeting_quorum(open_meeting).present == 1
    with time_machine.travel("2026-11-29 06:50:00+00:00", tick=False):
        services.attendance_check_in(
            meeting=open_meeting,
            by=staff_user,
            resident=representative,
            status="absent",
        )
    attendance = Attendance.objects.get()
    assert attendance.status == "absent"
    assert meeting_quorum(open_meeting).present == 0
    history = list(
        attendance.changes.values_list("previous_status", "status", "changed_by")
    )
    assert history == [
        ("", "in_person", staff_user.pk),
        ("in_person", "absent", staff_user.pk),
    ]


def test_recording_the_same_state_again_keeps_who_and_when(
    community, staff_user, open_meeting, seated
):
    representative = seated[1][0].resident
    with time_machine.travel("2026-11-29 06:35:00+00:00", tick=False):
        first = services.attendance_check_in(
            meeting=open_meeting, by=staff_user, resident=representative
        )
    again = services.attendance_check_in(
        meeting=open_meeting, by=staff_user, resident=representative
    )
    assert again.checked_in_at == first.checked_in_at
    assert AttendanceChange.objects.count() == 1


def test_staff_see_the_history_on_the_check_in_row(
    login, community, staff_user, social_worker, open_meeting, seated
):
    representative = seated[1][0].resident
    client = login(staff_user)
    mark(client, community, open_meeting, representative, "in_person")
    response = mark(client, community, open_meeting, representative, "on_leave")
    html = response.content.decode()
    assert f'data-testid="history-r{representative.pk}"' in html
    assert "已更改 1 次" in html
    assert "现场出席 → <strong>请假</strong>" in html
    assert "林工作人员" in html
    # The social worker reads the list, but the history is for staff.
    page = login(social_worker).get(
        reverse("council:attendance", args=[community.slug, open_meeting.pk])
    )
    assert page.status_code == 200
    assert "已更改 1 次" not in page.content.decode()
