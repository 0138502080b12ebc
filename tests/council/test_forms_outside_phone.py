"""The phone of an outside stakeholder is checked when they are invited."""

import pytest
from django.utils import translation

from council.forms import InvitationForm

pytestmark = pytest.mark.django_db


def invite(community, phone):
    return InvitationForm(
        {
            "stakeholder_kind": "outside",
            "outside_name": "物业公司",
            "outside_phone": phone,
            "reason": "负责路灯",
        },
        community=community,
    )


@pytest.mark.parametrize(
    "phone", ["0594-1234567", "０５９４－１２３４５６７", "13800138000", "400-800-1234"]
)
def test_landlines_and_mobiles_are_accepted(community, phone):
    form = invite(community, phone)
    assert form.is_valid(), form.errors


def test_a_wrong_phone_is_refused_in_words_a_clerk_understands(community):
    with translation.override("zh-hans"):
        form = invite(community, "12345")
        assert not form.is_valid()
        assert "不是有效的电话号码" in form.errors["outside_phone"][0]
        form = invite(community, "2234567")
        assert not form.is_valid()
        assert "区号" in form.errors["outside_phone"][0]
