"""The seat-kinds form edits this council's kinds only; anything else is a form error."""

import pytest
from django.urls import reverse

from council.models import Council, SeatKind

pytestmark = pytest.mark.django_db


def form_data(kinds):
    data = {"form-TOTAL_FORMS": len(kinds), "form-INITIAL_FORMS": len(kinds)}
    for i, kind in enumerate(kinds):
        data[f"form-{i}-id"] = kind.pk
        data[f"form-{i}-name"] = ""
        data[f"form-{i}-position"] = kind.position
        data[f"form-{i}-seat_count"] = kind.seat_count
    return data


@pytest.mark.parametrize("how", ["seventh_initial", "seventh_extra", "replace_first"])
def test_another_councils_kind_is_a_form_error_not_a_500(
    login, community, other_community, staff_user, how
):
    council = Council.objects.get(community=community)
    other = Council.objects.get(community=other_community)
    kinds = list(council.seat_kinds.order_by("position"))
    foreign = other.seat_kinds.first()
    data = form_data(kinds)
    if how == "replace_first":
        data["form-0-id"] = foreign.pk
    else:
        data.update(
            {
                "form-TOTAL_FORMS": 7,
                "form-INITIAL_FORMS": 7 if how == "seventh_initial" else 6,
                "form-6-id": foreign.pk,
                "form-6-name": "别人的类别",
                "form-6-position": 1,
                "form-6-seat_count": 9,
            }
        )
    response = login(staff_user).post(
        reverse("council:seat_kinds_edit", args=[community.slug]), data
    )
    assert response.status_code == 200
    assert "这里只能修改本议事会的代表类别" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.name == "" and foreign.seat_count == 1
    assert SeatKind.objects.count() == 12  # nothing created


def test_own_kinds_still_save(login, community, staff_user):
    council = Council.objects.get(community=community)
    kinds = list(council.seat_kinds.order_by("position"))
    data = form_data(kinds)
    data["form-0-seat_count"] = 3
    response = login(staff_user).post(
        reverse("council:seat_kinds_edit", args=[community.slug]), data
    )
    assert response.status_code == 302
    assert council.seat_kinds.get(pk=kinds[0].pk).seat_count == 3
