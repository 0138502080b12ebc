"""The check-in list is kept rendered per community, meeting and viewer
(council.selectors.MEETING_CHECK_IN): every service that changes what it shows
shows on the next visit, a search is read each time, and no reader gets another's
page or token. Each write runs its on-commit callbacks, as a real request's commit
does.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from council import services
from council.models import AgendaItem, Invitation, SeatKind
from residents import services as resident_services
from tests.council.factories import schedule
from tests.factories import OrganizationFactory, ResidentFactory
from tests.pages import kept_served, opened

from .test_query_counts import populate

pytestmark = pytest.mark.django_db


def check_in_path(meeting) -> str:
    return reverse("council:attendance", args=[meeting.community.slug, meeting.pk])


def check_in_list(user, meeting, **params) -> str:
    path = check_in_path(meeting)
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return opened(user, path)


def status(html: str, key: str) -> str:
    """What a row says about its person's attendance (its status line)."""
    start = html.index(f'data-testid="status-{key}"')
    return html[start : html.index("</div>", start)]


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<span class="fw-bold">([^<]*)</span>', html)


def test_a_check_in_shows_at_once(committed, open_meeting, seated, staff_user):
    seat = seated[1][0]
    key = f"r{seat.resident_id}"
    assert "尚未签到" in status(check_in_list(staff_user, open_meeting), key)
    committed(
        services.attendance_check_in,
        meeting=open_meeting,
        by=staff_user,
        status="in_person",
        resident=seat.resident,
    )
    html = check_in_list(staff_user, open_meeting)
    assert "现场出席" in status(html, key)
    assert "应到 12 人，已到 1 人。" in html
    committed(
        services.attendance_check_in,
        meeting=open_meeting,
        by=staff_user,
        status="absent",
        resident=seat.resident,
    )
    html = check_in_list(staff_user, open_meeting)
    assert "缺席" in status(html, key)
    assert "应到 12 人，已到 0 人。" in html


def test_an_htmx_check_in_answers_and_the_next_visit_agree(
    django_capture_on_commit_callbacks, open_meeting, seated, staff_user
):
    seat = seated[1][2]
    key = f"r{seat.resident_id}"
    client = Client()
    client.force_login(staff_user)
    client.get(check_in_path(open_meeting))  # kept
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse(
                "council:attendance_mark",
                args=[open_meeting.community.slug, open_meeting.pk],
            ),
            {"resident": seat.resident_id, "status": "online"},
            HTTP_HX_REQUEST="true",
        )
    assert "线上出席" in status(answer.content.decode(), key)
    assert "线上出席" in status(client.get(check_in_path(open_meeting)).text, key)


def test_invitations_show_and_a_declined_one_leaves(
    committed, open_meeting, staff_user
):
    item = AgendaItem.objects.get(meeting=open_meeting)
    assert "周师傅" not in check_in_list(staff_user, open_meeting)
    invitation = committed(
        services.invitation_create,
        agenda_item=item,
        by=staff_user,
        outside_name="周师傅",
        outside_phone="13800000001",
        reason="施工方",
    )
    assert "周师傅" in check_in_list(staff_user, open_meeting)
    committed(
        services.invitation_respond, invitation=invitation, by=staff_user, accept=False
    )
    assert "周师傅" not in check_in_list(staff_user, open_meeting)


def test_the_agenda_order_and_a_removed_item_show(
    committed, community, staff_user, seated
):
    meeting = schedule(community, by=staff_user)
    first = services.agenda_item_create(meeting=meeting, by=staff_user, title="事项一")
    second = services.agenda_item_create(meeting=meeting, by=staff_user, title="事项二")
    for item, name in ((first, "钱先生"), (second, "孙女士")):
        services.invitation_create(
            agenda_item=item,
            by=staff_user,
            outside_name=name,
            outside_phone="13800000002",
            reason="邻居",
        )
    html = check_in_list(staff_user, meeting)
    assert names_in_order(html)[-2:] == ["钱先生", "孙女士"]
    committed(services.agenda_item_move, item=second, by=staff_user, direction="up")
    assert names_in_order(check_in_list(staff_user, meeting))[-2:] == [
        "孙女士",
        "钱先生",
    ]
    committed(services.agenda_item_remove, item=second, by=staff_user)
    html = check_in_list(staff_user, meeting)
    assert "孙女士" not in html and "钱先生" in html


def test_seats_and_the_quorum_rules_show(committed, open_meeting, seated, staff_user):
    council, _seats = seated
    kind = SeatKind.objects.filter(council=council).order_by("position").first()
    kind.seat_count += 1
    kind.save(update_fields=["seat_count"])
    assert "需要 4 类" in check_in_list(staff_user, open_meeting)
    committed(
        services.council_update_charter,
        council=council,
        by=staff_user,
        required_kind_coverage=2,
    )
    assert "需要 2 类" in check_in_list(staff_user, open_meeting)
    committed(
        services.seat_assign,
        council=council,
        by=staff_user,
        kind=kind,
        resident=ResidentFactory(community=open_meeting.community, name="郑阿婆"),
        term_start=timezone.localdate(),
    )
    assert "郑阿婆" in check_in_list(staff_user, open_meeting)


def test_a_renamed_resident_or_organisation_shows(
    committed, community, open_meeting, seated, staff_user
):
    """The residents app cannot name the list: the list follows its announcements."""
    seat = seated[1][0]
    item = AgendaItem.objects.get(meeting=open_meeting)
    organization = OrganizationFactory(community=community, name="绿叶物业")
    Invitation.objects.create(
        meeting=open_meeting, agenda_item=item, organization=organization, reason="物业"
    )
    html = check_in_list(staff_user, open_meeting)
    assert "绿叶物业" in html and "郑大姐" not in html
    committed(resident_services.resident_update, resident=seat.resident, name="郑大姐")
    assert "郑大姐" in check_in_list(staff_user, open_meeting)
    committed(
        resident_services.organization_update,
        organization=organization,
        name="青山物业",
    )
    html = check_in_list(staff_user, open_meeting)
    assert "青山物业" in html and "绿叶物业" not in html


def test_the_meeting_ending_shows_without_an_announcement(
    open_meeting, seated, staff_user
):
    """The meeting's status is read with each request: its buttons follow it."""
    qr = reverse(
        "council:check_in_qr", args=[open_meeting.community.slug, open_meeting.pk]
    )
    kept = check_in_list(staff_user, open_meeting)
    assert 'name="status"' in kept and qr in kept
    services.meeting_conclude(meeting=open_meeting, by=staff_user)  # not announced
    ended = check_in_list(staff_user, open_meeting)
    assert 'name="status"' not in ended and qr not in ended


def test_a_search_is_read_each_time(open_meeting, seated, staff_user):
    """A search is not kept: it shows a check-in whose commit was never announced."""
    seat = seated[1][0]
    seat.resident.name = "冯阿公"
    seat.resident.save(update_fields=["name"])
    key = f"r{seat.resident_id}"
    assert "尚未签到" in status(check_in_list(staff_user, open_meeting, q="冯"), key)
    services.attendance_check_in(  # its commit callbacks never run
        meeting=open_meeting, by=staff_user, status="in_person", resident=seat.resident
    )
    assert "现场出席" in status(check_in_list(staff_user, open_meeting, q="冯"), key)


def test_each_viewer_gets_their_own_page_and_token(
    open_meeting, seated, staff_user, social_worker
):
    staff_page = check_in_list(staff_user, open_meeting)
    worker_page = check_in_list(social_worker, open_meeting)
    assert 'name="status"' in staff_page
    assert 'name="status"' not in worker_page  # social workers read, staff record
    client = Client()
    client.force_login(staff_user)
    again = client.get(check_in_path(open_meeting)).text
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', again))
    assert len(tokens) >= 1
    assert "kept-csrf-token-placeholder" not in again
    assert client.cookies["csrftoken"].value  # the token is this reader's own


def test_another_communitys_staff_never_get_it(
    open_meeting, staff_user, other_staff_user
):
    check_in_list(staff_user, open_meeting)  # kept
    client = Client()
    client.force_login(other_staff_user)
    assert client.get(check_in_path(open_meeting)).status_code in (403, 404)


def test_the_list_costs_the_same_at_5_and_at_400_seats(
    community, other_community, staff_user, other_staff_user,
    django_assert_max_num_queries,
):  # fmt: skip
    counts = {}
    for n, user, where in (
        (5, other_staff_user, other_community),
        (400, staff_user, community),
    ):
        meeting = populate(where, user, n)
        path = check_in_path(meeting)
        client = Client()
        client.force_login(user)
        # Built: the session, the login, the meeting, the list with its counts,
        # the seat kinds, the attendance and its history, the quorum, the council
        # (read only when the list is built) and the unread count (once).
        with django_assert_max_num_queries(10) as built:
            page = client.get(path)
        assert page.status_code == 200 and len(page.content) < 60 * 1024
        with django_assert_max_num_queries(10) as searched:
            assert client.get(path, {"q": "居民"}).status_code == 200
        # Counted now: the log of queries they are read from is bounded.
        counts[n] = (len(built), len(searched))
        html = kept_served(user, path, django_assert_max_num_queries, lookups=1)
        assert html.count('class="list-group-item" id="row-') == min(3 * n, 20)
        assert f"应到 {3 * n} 人，已到 {n} 人。" in html
    assert counts[5] == counts[400], counts
