"""The council page is kept rendered per community and viewer
(council.selectors.COMMUNITY_COUNCIL): each charter and seat service shows on the
next visit, and a term that ends shows the next day with no write. Each write runs
its on-commit callbacks, as a real request's commit does.
"""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from council import services
from council.models import SeatKind
from tests.factories import ResidentFactory
from tests.pages import opened

pytestmark = pytest.mark.django_db


def council_page(user, community):
    return opened(user, reverse("council:council", args=[community.slug]))


def held(html, kind) -> str:
    """The "N of M seats held" line of `kind`'s fold."""
    start = html.index(f'id="kind-{kind.pk}"')
    return html[start : html.index("</summary>", start)]


def test_charter_and_seat_changes_show_at_once(
    committed, community, staff_user, resident_user
):
    council = community.council
    kind = SeatKind.objects.filter(council=council).order_by("position").first()
    assert "每次会议前 3 天" not in council_page(resident_user, community)
    committed(
        services.council_update_charter,
        council=council,
        by=staff_user,
        collection_lead_days=3,
    )
    assert "每次会议前 3 天" in council_page(resident_user, community)
    committed(
        services.seat_kind_update,
        kind=kind,
        by=staff_user,
        name="楼栋长代表",
        position=kind.position,
        seat_count=kind.seat_count,
    )
    assert "楼栋长代表" in council_page(resident_user, community)
    holder = ResidentFactory(community=community, name="郑阿婆")
    seat = committed(
        services.seat_assign,
        council=council,
        by=staff_user,
        kind=kind,
        resident=holder,
        term_start=timezone.localdate(),
    )
    assert "郑阿婆" in council_page(resident_user, community)
    successor = ResidentFactory(community=community, name="吴大伯")
    new_seat = committed(
        services.seat_replace,
        seat=seat,
        by=staff_user,
        resident=successor,
        on=timezone.localdate(),
    )
    assert "吴大伯" in council_page(resident_user, community)
    committed(
        services.seat_end,
        seat=new_seat,
        by=staff_user,
        ended_on=timezone.localdate(),
        reason="搬走了",
    )
    assert "已有 0 位代表" in held(council_page(resident_user, community), kind)


def test_a_term_that_ends_today_leaves_the_page_at_midnight(
    committed, community, staff_user, resident_user
):
    council = community.council
    kind = SeatKind.objects.filter(council=council).order_by("position").first()
    last_day = date(2027, 3, 10)
    evening = timezone.make_aware(datetime(2027, 3, 10, 23, 58))
    with time_machine.travel(evening, tick=False):
        committed(
            services.seat_assign,
            council=council,
            by=staff_user,
            kind=kind,
            resident=ResidentFactory(community=community, name="郑阿婆"),
            term_start=last_day - timedelta(days=300),
            term_end=last_day,
        )
        assert "已有 1 位代表" in held(council_page(resident_user, community), kind)
    # Minutes later, well within what the cache keeps the page for.
    with time_machine.travel(evening + timedelta(minutes=2, seconds=1), tick=False):
        assert "已有 0 位代表" in held(council_page(resident_user, community), kind)
