"""The phone of an outside party consulted before a meeting is checked."""

import pytest
from django.utils import translation

from topics.forms import ConsultationForm

pytestmark = pytest.mark.django_db


def consult(community, phone):
    return ConsultationForm(
        {
            "stakeholder_kind": "outside",
            "outside_name": "汀塘小学",
            "outside_phone": phone,
            "consulted_at": "2026-11-20T10:00",
            "position": "supports",
        },
        community=community,
    )


@pytest.mark.parametrize("phone", ["0594-1234567", "+86 138 0013 8000", ""])
def test_landlines_mobiles_or_nothing_are_accepted(community, phone):
    form = consult(community, phone)
    assert form.is_valid(), form.errors


def test_a_wrong_phone_is_refused_in_chinese_and_english(community):
    for language, expected in (
        ("zh-hans", "不是有效的电话号码"),
        ("en", "not a valid phone number"),
    ):
        with translation.override(language):
            form = consult(community, "12345")
            assert not form.is_valid()
            assert expected in form.errors["outside_phone"][0]
