import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_staff(
    login, staff_user, community, open_meeting, seated
):
    client = login(staff_user)
    slug = community.slug
    m = open_meeting
    item = m.agenda_items.first()
    seat = seated[1][0]
    for name, args in [
        ("council", [slug]),
        ("charter_edit", [slug]),
        ("seat_kinds_edit", [slug]),
        ("seat_assign", [slug]),
        ("seat_end", [slug, seat.pk]),
        ("seat_replace", [slug, seat.pk]),
        ("meetings", [slug]),
        ("meeting_create", [slug]),
        ("meeting", [slug, m.pk]),
        ("meeting_edit", [slug, m.pk]),
        ("meeting_cancel", [slug, m.pk]),
        ("agenda_item_add", [slug, m.pk]),
        ("agenda_item", [slug, m.pk, item.pk]),
        ("invitation_create", [slug, m.pk, item.pk]),
        ("attendance", [slug, m.pk]),
        ("check_in_qr", [slug, m.pk]),
        ("meeting_ics", [slug, m.pk]),
        ("meeting_print", [slug, m.pk]),
    ]:
        response = client.get(reverse(f"council:{name}", args=args))
        assert response.status_code == 200, name
