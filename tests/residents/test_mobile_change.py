"""A person's new mobile number counts only once they enter the code texted to it.

Issue 8, item 2: a resident could put another person's number on their profile
without any check, and was then linked to that person's record in another
community when staff there created a login.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from notifications.models import LoggedSms
from residents.models import CodeStatus, LoginLink, MobileChange, Resident
from tests.factories import ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = "13700001111"


def ask_for(client, mobile, **extra):
    data = {"mobile": mobile, "email": "", "language": "zh-hans", **extra}
    return client.post(reverse("profile"), data)


def texted_code(mobile):
    return LoggedSms.objects.filter(mobile=mobile).latest("pk").params["code"]


def other_than(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_new_number_waits_for_the_code_texted_to_it(login, resident_user):
    old = resident_user.mobile
    client = login(resident_user)
    response = ask_for(client, "+86 137 0000 1111", email="wang@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("mobile_change_confirm")
    sms = LoggedSms.objects.get(mobile=NEW)
    assert sms.params["code"] in sms.text
    resident_user.refresh_from_db()
    assert resident_user.mobile == old  # not yet
    assert resident_user.email == "wang@example.com"  # the rest is saved
    page = client.get(reverse("mobile_change_confirm")).content.decode()
    assert NEW in page

    response = client.post(reverse("mobile_change_confirm"), {"code": texted_code(NEW)})
    assert response.status_code == 302
    resident_user.refresh_from_db()
    assert resident_user.mobile == NEW
    assert Resident.objects.get(user=resident_user).mobile == NEW
    assert MobileChange.objects.get().status == CodeStatus.CONFIRMED


def test_a_wrong_code_counts_and_too_many_void_the_change(
    login, resident_user, settings
):
    settings.SMS_CODE_MAX_ATTEMPTS = 2
    old = resident_user.mobile
    client = login(resident_user)
    ask_for(client, NEW)
    right = texted_code(NEW)
    response = client.post(
        reverse("mobile_change_confirm"), {"code": other_than(right)}
    )
    assert response.status_code == 200
    assert "还可以试 1 次" in response.content.decode()
    response = client.post(
        reverse("mobile_change_confirm"), {"code": other_than(right)}
    )
    assert "错误次数太多" in response.content.decode()
    response = client.post(reverse("mobile_change_confirm"), {"code": right})
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    resident_user.refresh_from_db()
    assert resident_user.mobile == old


@pytest.mark.parametrize(("seconds", "works"), [(-1, True), (0, False), (60, False)])
def test_the_code_works_until_sms_code_minutes_have_passed(
    login, resident_user, settings, seconds, works
):
    settings.SMS_CODE_MINUTES = 15
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False) as clock:
        client = login(resident_user)
        ask_for(client, NEW)
        clock.move_to(
            MobileChange.objects.get().expires_at + timedelta(seconds=seconds)
        )
        client.post(reverse("mobile_change_confirm"), {"code": texted_code(NEW)})
    resident_user.refresh_from_db()
    assert (resident_user.mobile == NEW) is works


def test_another_logins_number_is_refused_only_after_the_code(login, resident_user):
    UserFactory(mobile="13700002222")
    client = login(resident_user)
    response = ask_for(client, "13700002222")
    # The person asking does not learn whether the number has a login...
    assert response.status_code == 302
    response = client.post(
        reverse("mobile_change_confirm"), {"code": texted_code("13700002222")}
    )
    # ...the person holding the phone does.
    assert response.status_code == 200
    assert "已被其他账号使用" in response.content.decode()
    resident_user.refresh_from_db()
    assert resident_user.mobile != "13700002222"


def test_a_neighbours_number_is_refused_after_the_code(login, resident_user, community):
    ResidentFactory(community=community, mobile="13700003333")
    client = login(resident_user)
    assert ask_for(client, "13700003333").status_code == 302
    response = client.post(
        reverse("mobile_change_confirm"), {"code": texted_code("13700003333")}
    )
    assert "mobile" not in response.context["form"].errors
    assert response.context["form"].errors["code"]
    assert Resident.objects.get(user=resident_user).mobile != "13700003333"


def test_a_number_on_another_communitys_record_is_never_linked_silently(
    login,
    resident_user,
    other_community,
    other_staff_user,
    django_capture_on_commit_callbacks,
):
    """The person proved they hold the number; the record in the other community
    still joins their login only when they say so."""
    elsewhere = ResidentFactory(community=other_community, mobile=NEW)
    client = login(resident_user)
    ask_for(client, NEW)
    client.post(reverse("mobile_change_confirm"), {"code": texted_code(NEW)})
    with django_capture_on_commit_callbacks(execute=True):
        login(other_staff_user).post(
            reverse(
                "residents:resident_login_create",
                kwargs={"community": other_community.slug, "pk": elsewhere.pk},
            )
        )
    elsewhere.refresh_from_db()
    assert elsewhere.user is None
    assert LoginLink.objects.get(resident=elsewhere).user == resident_user


def test_the_typed_number_stays_in_the_form_when_the_text_cannot_be_sent(
    login, resident_user, settings
):
    settings.SMS_BACKEND = "notifications.sms.AliyunSmsBackend"
    settings.SMS_ALIYUN_ENDPOINT = "http://127.0.0.1:9/"  # nothing listens there
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "key"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "secret"
    settings.SMS_TEMPLATES = {"default": "SMS_1"}
    settings.SMS_TIMEOUT = 1
    response = ask_for(login(resident_user), NEW)
    assert response.status_code == 200
    assert "短信没有发出去" in response.content.decode()
    assert f'value="{NEW}"' in response.content.decode()
    assert not MobileChange.objects.filter(status=CodeStatus.PENDING).exists()


def test_codes_per_hour_are_limited(login, resident_user):
    client = login(resident_user)
    for _ in range(5):
        assert ask_for(client, NEW).status_code == 302
    response = ask_for(client, NEW)
    assert response.status_code == 200
    assert "验证码太多" in response.content.decode()
    assert LoggedSms.objects.filter(mobile=NEW).count() == 5


def test_a_new_code_replaces_the_old_one(login, resident_user):
    client = login(resident_user)
    ask_for(client, NEW)
    first = texted_code(NEW)
    client.post(reverse("mobile_change_resend"))
    second = texted_code(NEW)
    if first != second:
        response = client.post(reverse("mobile_change_confirm"), {"code": first})
        assert response.status_code == 200
    client.post(reverse("mobile_change_confirm"), {"code": second})
    resident_user.refresh_from_db()
    assert resident_user.mobile == NEW


def test_removing_the_number_needs_no_code(login, resident_user):
    response = ask_for(login(resident_user), "")
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    resident_user.refresh_from_db()
    assert resident_user.mobile is None
    assert LoggedSms.objects.count() == 0


def test_the_same_number_again_changes_nothing(login, resident_user):
    response = ask_for(login(resident_user), resident_user.mobile)
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert LoggedSms.objects.count() == 0


def test_the_code_page_without_a_waiting_change_goes_back_to_the_profile(
    login, resident_user
):
    response = login(resident_user).get(reverse("mobile_change_confirm"))
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
