"""Mobile numbers are one value however they were typed; other phones are checked."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from residents import services
from residents.forms import ContactForm, ResidentForm
from residents.mobile import normalize_mobile, normalize_phone, validate_phone
from residents.models import Resident, User
from residents.selectors import resident_list
from tests.factories import PASSWORD, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "13８00138000",  # one full-width digit
        "１３８００１３８０００",  # all full-width, as a Chinese keyboard types them
        "＋86 138 0013 8000",
        "+86-138-0013-8000",
        "(+86) 138 0013 8000",
        "0086 13800138000",
        "8613800138000",
        "138－0013－8000",  # full-width dashes
        "\u200b13800138000",  # a zero-width space pasted from a chat
        "13800138000.0",  # Excel's number, read as text
        13800138000.0,
        13800138000,
        "1.3800138e+10",  # an Excel float whose digits are all there
        "1.3800138E+10",
    ],
)
def test_every_way_of_writing_one_number_gives_the_same_digits(typed):
    assert normalize_mobile(typed) == "13800138000"


@pytest.mark.parametrize(
    ("typed", "english", "chinese"),
    [
        ("12345", "it has 5 digits", "不是有效的手机号"),
        ("1380013800", "it has 10 digits", "有 10 位数字"),
        ("0594-1234567", "is a landline number", "座机号码"),
        ("1.38001E+10", "shortened by Excel", "科学计数法"),
        ("138abc00138", "holds letters or signs", "字母或符号"),
        ("12800138000", "start with 13 to 19", "13 到 19"),
        ("+852 2123 4567", "outside mainland China", "中国大陆以外"),
    ],
)
def test_a_wrong_number_is_refused_with_a_message_a_clerk_understands(
    typed, english, chinese
):
    for language, expected in (("en", english), ("zh-hans", chinese)):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                normalize_mobile(typed)
            message = " ".join(error.value.messages)
        assert expected in message
        assert str(typed) in message  # what was typed, so the clerk finds it


def test_full_width_number_is_stored_as_ascii_and_caught_as_a_duplicate(community):
    first = services.resident_create(
        community=community, name="林秀英", mobile="１３８００１３８０００"
    )
    assert first.mobile == "13800138000"
    assert Resident.objects.get(pk=first.pk).mobile == "13800138000"
    with pytest.raises(ValidationError) as error:
        services.resident_create(
            community=community, name="林秀英二", mobile="13８00138000"
        )
    assert "mobile" in error.value.message_dict
    assert Resident.objects.filter(community=community).count() == 1


def test_changing_a_resident_to_a_full_width_copy_of_a_taken_number_is_refused(
    community,
):
    ResidentFactory(community=community, mobile="13800138000")
    other = ResidentFactory(community=community, mobile="13900139000")
    with pytest.raises(ValidationError):
        services.resident_update(resident=other, mobile="＋86 13８00138000")
    other.refresh_from_db()
    assert other.mobile == "13900139000"


def test_resident_form_accepts_full_width_and_prefixed_numbers():
    form = ResidentForm({"name": "黄大明", "mobile": "＋８６ １３８ ００１３ ８０００"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mobile"] == "13800138000"


def test_contact_form_explains_a_short_number_in_chinese():
    with translation.override("zh-hans"):
        form = ContactForm({"mobile": "138001", "language": "zh-hans"})
        assert not form.is_valid()
        assert "不是有效的手机号" in form.errors["mobile"][0]


def test_profile_with_a_full_width_copy_of_another_login_is_refused():
    from notifications.models import LoggedSms

    UserFactory(mobile="13800138000")
    me = UserFactory(mobile="13900139000")
    change = services.user_mobile_change_start(user=me, mobile="13８00138000")
    assert change.mobile == "13800138000"  # normalised before the code is sent
    code = LoggedSms.objects.filter(mobile="13800138000").latest("pk").params["code"]
    with pytest.raises(ValidationError) as error:
        services.user_mobile_change_confirm(change=change, user=me, code=code)
    assert "mobile" in error.value.message_dict or "code" in error.value.message_dict
    me.refresh_from_db()
    assert me.mobile == "13900139000"


def test_login_with_a_full_width_mobile_number(client):
    user = UserFactory(mobile="13800138000")
    assert authenticate(username="１３８ ００１３ ８０００", password=PASSWORD) == user
    response = client.post(
        reverse("login"), {"username": "+86 138-0013-8000", "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("query", ["１３８００", "138-0013", "+86 1380013"])
def test_search_by_mobile_digits_however_typed(community, query):
    ResidentFactory(community=community, name="林秀英", mobile="13800138000")
    ResidentFactory(community=community, name="黄大明", mobile="13900139000")
    found = resident_list(community=community, query=query)
    assert [r.name for r in found] == ["林秀英"]


def test_search_by_digits_is_off_for_people_who_see_masked_numbers(community):
    ResidentFactory(community=community, name="林秀英", mobile="13800138000")
    assert not resident_list(community=community, query="１３８００", by_mobile=False)


def test_stored_full_width_numbers_are_normalised_by_the_migration(community):
    # As the code before this change stored them.
    plain = ResidentFactory(community=community, mobile="13800138000")
    typed = ResidentFactory(community=community, mobile="13900139000")
    Resident.objects.filter(pk=typed.pk).update(mobile="１３９００１３９０００")
    clash = ResidentFactory(community=community, mobile="13700137000")
    Resident.objects.filter(pk=clash.pk).update(mobile="13８00138000")
    user = UserFactory(mobile="13600136000")
    User.objects.filter(pk=user.pk).update(mobile="１３６００１３６０００")
    migration = importlib.import_module(
        "residents.migrations.0005_normalise_stored_mobiles"
    )
    migration.normalise_stored_mobiles(apps, None)
    typed.refresh_from_db()
    clash.refresh_from_db()
    plain.refresh_from_db()
    user.refresh_from_db()
    assert typed.mobile == "13900139000"
    assert user.mobile == "13600136000"
    # Its digits are another resident's: left for a clerk, not merged silently.
    assert clash.mobile == "13８00138000"
    assert plain.mobile == "13800138000"


# -- phones of outside parties -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0594-1234567", "0594 123 4567"),  # a Putian landline
        ("０５９４－１２３４５６７", "0594 123 4567"),
        ("(0594) 1234567", "0594 123 4567"),
        ("13800138000", "138 0013 8000"),
        ("+86 138 0013 8000", "138 0013 8000"),
        ("400-800-1234", "400 800 1234"),
        ("+852 2123 4567", "+852 2123 4567"),
    ],
)
def test_outside_phone_accepts_mobiles_and_landlines(typed, stored):
    validate_phone(typed)
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "english", "chinese"),
    [
        ("12345", "not a valid phone number", "不是有效的电话号码"),
        ("2234567", "without its area code", "区号"),
        ("call the office", "holds letters or signs", "字母或符号"),
    ],
)
def test_outside_phone_refuses_with_a_clear_message(typed, english, chinese):
    for language, expected in (("en", english), ("zh-hans", chinese)):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                validate_phone(typed)
            assert expected in " ".join(error.value.messages)
