"""The check-in list as staff read it at the door: who, in which order, each once.

It is built and paged in the database (a UNION of seats, alternates, invitations and
observers); these tests pin down what a person sees on it, on SQLite and PostgreSQL.
"""

import pytest

from council import services
from council.models import AgendaItem, Invitation, InvitationStatus, SeatKind
from council.selectors import check_in_page
from tests.factories import OrganizationFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(community, staff_user, seated, open_meeting):
    """Six seats with alternates, and everyone else a meeting can expect."""
    _council, seats = seated
    item = AgendaItem.objects.filter(meeting=open_meeting).get()

    def invite(**person):
        return Invitation.objects.create(
            meeting=open_meeting, agenda_item=item, reason="受影响", **person
        )

    invite(resident=seats[0].alternate)  # already listed, as an alternate
    invite(resident=seats[1].resident)  # already listed, as a representative
    stakeholder = ResidentFactory(community=community, name="张阿姨")
    invite(resident=stakeholder)
    organization = OrganizationFactory(community=community, name="绿叶物业")
    org_invitation = invite(organization=organization)
    invite(outside_name="王师傅", outside_phone="13800000000")
    invite(
        resident=ResidentFactory(community=community, name="不来的人"),
        status=InvitationStatus.DECLINED,
    )
    check_in = {"meeting": open_meeting, "by": staff_user}
    services.attendance_check_in(
        **check_in, status="in_person", resident=seats[0].resident
    )
    services.attendance_check_in(**check_in, status="online", invitation=org_invitation)
    services.attendance_check_in(
        **check_in,
        status="in_person",
        resident=ResidentFactory(community=community, name="旁听的李叔"),
    )
    services.attendance_check_in(**check_in, status="in_person", name="路过的小陈")
    return {"meeting": open_meeting, "seats": seats, "item": item}


def names(page):
    return [(row.name, row.role_label, row.detail) for row in page.object_list]


def test_everyone_expected_once_in_order_with_counts(crowd):
    data = check_in_page(meeting=crowd["meeting"], page_size=50)
    seats = crowd["seats"]
    item = crowd["item"].title
    assert names(data["page"]) == [
        *[(s.resident.name, "代表", str(s.kind.label)) for s in seats],
        *[(s.alternate.name, "候补代表", f"代 {s.resident.name}") for s in seats],
        ("张阿姨", "利益相关方", item),
        ("绿叶物业", "利益相关方", item),
        ("王师傅", "利益相关方", item),
        ("旁听的李叔", "列席旁听", ""),
        ("路过的小陈", "列席旁听", ""),
    ]
    # 6 representatives, 6 alternates, 3 stakeholders, 2 observers; the declined
    # invitee is not expected. Present: a representative, the organisation, both
    # observers.
    assert data["expected_count"] == 17
    assert data["present_count"] == 4
    rows = {row.name: row for row in data["page"].object_list}
    assert rows[seats[0].resident.name].attendance.status == "in_person"
    assert rows["绿叶物业"].attendance.status == "online"
    assert rows["张阿姨"].attendance is None


def test_pages_and_a_two_character_search(crowd):
    seats = crowd["seats"]
    second = check_in_page(meeting=crowd["meeting"], page=2, page_size=5)
    assert second["page"].paginator.count == 17
    assert second["page"].paginator.num_pages == 4
    assert [row.name for row in second["page"].object_list] == [
        seats[5].resident.name,
        *[seat.alternate.name for seat in seats[:4]],
    ]
    past_the_end = check_in_page(meeting=crowd["meeting"], page=99, page_size=5)
    assert past_the_end["page"].number == 4
    assert [row.name for row in past_the_end["page"].object_list] == [
        "旁听的李叔",
        "路过的小陈",
    ]
    found = check_in_page(meeting=crowd["meeting"], query="师傅", page_size=5)
    assert names(found["page"]) == [("王师傅", "利益相关方", crowd["item"].title)]
    # The counts are the meeting's, whatever the search shows.
    assert found["expected_count"] == 17 and found["present_count"] == 4
    assert (
        check_in_page(meeting=crowd["meeting"], query="没有这个人")["page"].object_list
        == []
    )


def test_a_seat_kind_renamed_shows_its_new_name(crowd):
    kind = SeatKind.objects.get(pk=crowd["seats"][0].kind_id)
    kind.name = "楼栋长代表"
    kind.save(update_fields=["name"])
    first = check_in_page(meeting=crowd["meeting"], page_size=1)["page"].object_list
    assert first[0].detail == str(SeatKind.objects.get(pk=kind.pk).label)


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "二", "1e9"])
def test_any_page_number_gives_a_page(crowd, page):
    data = check_in_page(meeting=crowd["meeting"], page=page, page_size=5)
    assert data["page"].number in (1, 4) and data["page"].object_list
