import re

import pytest
from django.core import mail
from django.urls import reverse

from residents.models import Membership, Resident, Role, User
from tests.factories import PASSWORD, MembershipFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, community, **kwargs):
    return reverse(f"residents:{name}", kwargs={"community": community.slug, **kwargs})


def shown_code(response) -> str:
    match = re.search(r'id="one-time-code">([A-Z0-9]+)<', response.content.decode())
    assert match, "the one-time code is shown"
    return match.group(1)


# -- staff create a login and hand over a one-time code -----------------------


def test_staff_create_login_then_resident_logs_in_by_mobile_with_code(
    client, login, staff_user, community, resident
):
    response = login(staff_user).post(
        url("resident_login_create", community, pk=resident.pk)
    )
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("no-store")
        or "no-store" in response["Cache-Control"]
    )
    code = shown_code(response)
    assert len(code) == 8
    resident.refresh_from_db()
    assert resident.has_login
    assert resident.user.mobile == "13859001234"
    assert Membership.objects.filter(
        user=resident.user, community=community, role=Role.RESIDENT
    ).exists()
    client.logout()

    # The resident logs in with mobile (typed with spaces) and the code...
    response = client.post(
        reverse("login"), {"username": "138 5900 1234", "password": code}
    )
    assert response.status_code == 302
    # ...and is sent to choose a password before anything else.
    response = client.get(reverse("residents:community_home", args=[community.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_set")
    response = client.get(reverse("password_set"))
    assert "一次性验证码" in response.content.decode()
    response = client.post(
        reverse("password_set"),
        {"new_password1": "Tingtang-2026!", "new_password2": "Tingtang-2026!"},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=resident.user_id)
    assert not user.must_change_password
    assert user.check_password("Tingtang-2026!")
    assert not user.check_password(code)
    home = client.get(reverse("residents:community_home", args=[community.slug]))
    assert home.status_code == 200


def test_password_set_refuses_weak_password(client, community, resident_user):
    resident_user.must_change_password = True
    resident_user.save()
    client.force_login(resident_user)
    response = client.post(
        reverse("password_set"), {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    resident_user.refresh_from_db()
    assert resident_user.must_change_password


def test_changing_password_later_needs_the_current_one(client, resident_user):
    client.force_login(resident_user)
    data = {"new_password1": "Tingtang-2026!", "new_password2": "Tingtang-2026!"}
    response = client.post(reverse("password_set"), {**data, "old_password": "wrong"})
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    response = client.post(reverse("password_set"), {**data, "old_password": PASSWORD})
    assert response.status_code == 302
    resident_user.refresh_from_db()
    assert resident_user.check_password("Tingtang-2026!")


def test_login_without_mobile_gets_a_username(login, staff_user, community):
    resident = ResidentFactory(community=community, name="无手机", mobile="")
    response = login(staff_user).post(
        url("resident_login_create", community, pk=resident.pk)
    )
    resident.refresh_from_db()
    assert resident.user.username == f"tingtang-{resident.pk}"
    assert f"tingtang-{resident.pk}" in response.content.decode()


def test_existing_login_with_same_mobile_is_offered_not_linked_nor_reset(
    login, staff_user, community
):
    person = UserFactory(mobile="13859008888")
    MembershipFactory(user=person, role=Role.RESIDENT)  # lives in another community
    resident = ResidentFactory(community=community, mobile="13859008888")
    response = login(staff_user).post(
        url("resident_login_create", community, pk=resident.pk)
    )
    # Staff see a code page as for a new login; the record waits for the owner.
    assert response.status_code == 200
    shown_code(response)
    resident.refresh_from_db()
    person.refresh_from_db()
    assert resident.user is None
    assert person.login_links.get().resident == resident
    assert person.check_password(PASSWORD)
    assert not person.must_change_password


def test_second_create_login_is_refused(login, staff_user, community, resident):
    client = login(staff_user)
    client.post(url("resident_login_create", community, pk=resident.pk))
    response = client.post(
        url("resident_login_create", community, pk=resident.pk), follow=True
    )
    assert "已有登录账号" in response.content.decode()
    assert User.objects.filter(mobile="13859001234").count() == 1


def test_staff_reset_resident_password(
    client, login, staff_user, community, resident_user
):
    resident = Resident.objects.get(user=resident_user)
    response = login(staff_user).post(
        url("resident_password_reset", community, pk=resident.pk)
    )
    code = shown_code(response)
    resident_user.refresh_from_db()
    assert resident_user.must_change_password
    assert not resident_user.check_password(PASSWORD)
    client.logout()
    response = client.post(
        reverse("login"), {"username": resident_user.mobile, "password": code}
    )
    assert response.status_code == 302


def test_staff_cannot_reset_a_colleague_through_a_resident_record(
    login, staff_user, community
):
    colleague = UserFactory()
    MembershipFactory(user=colleague, community=community, role=Role.STAFF)
    resident = ResidentFactory(community=community, user=colleague)
    response = login(staff_user).post(
        url("resident_password_reset", community, pk=resident.pk), follow=True
    )
    assert "通过邮件" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)


def test_resident_and_social_worker_cannot_reset_codes(
    login, social_worker, resident_user, community, resident
):
    for person in (social_worker, resident_user):
        client = login(person)
        assert (
            client.post(
                url("resident_password_reset", community, pk=resident.pk)
            ).status_code
            == 403
        )
        assert (
            client.post(
                url("resident_login_create", community, pk=resident.pk)
            ).status_code
            == 403
        )
    resident.refresh_from_db()
    assert not resident.has_login


def test_code_pages_only_answer_post(login, staff_user, community, resident):
    response = login(staff_user).get(
        url("resident_login_create", community, pk=resident.pk)
    )
    assert response.status_code == 405


# -- password reset by email --------------------------------------------------


def test_password_reset_by_email(client, resident_user):
    resident_user.email = "wang@example.com"
    resident_user.save()
    response = client.get(reverse("password_reset"))
    assert "忘记密码" in response.content.decode()
    response = client.post(reverse("password_reset"), {"email": "wang@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", body).group(1)
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Newpass-2026!", "new_password2": "Newpass-2026!"},
    )
    assert response.status_code == 302
    resident_user.refresh_from_db()
    assert resident_user.check_password("Newpass-2026!")


def test_password_reset_for_unknown_email_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


# -- my profile -------------------------------------------------------------


def test_profile_shows_roles(login, staff_user, community):
    content = login(staff_user).get(reverse("profile")).content.decode()
    assert "社区工作人员" in content
    assert "汀塘社区" in content


def test_resident_updates_contact_details_and_language(login, resident_user, community):
    client = login(resident_user)
    old_mobile = resident_user.mobile
    response = client.post(
        reverse("profile"),
        {"mobile": old_mobile, "email": "wang@example.com", "language": "en"},
    )
    assert response.status_code == 302
    resident_user.refresh_from_db()
    assert resident_user.mobile == old_mobile
    assert resident_user.email == "wang@example.com"
    assert resident_user.language == "en"
    # The interface is now in English.
    response = client.get(reverse("profile"))
    assert "My profile" in response.content.decode()


def test_profile_bad_input_is_a_field_error(login, resident_user):
    response = login(resident_user).post(
        reverse("profile"), {"mobile": "12", "email": "not-an-email", "language": "xx"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"mobile", "email", "language"}
