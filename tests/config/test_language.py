import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_in_simplified_chinese_by_default(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-CN">' in html
    assert "登录" in html
    assert "English" in html  # the switch offers the other language


def test_language_switch_turns_the_page_english_and_back(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}
    )
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "登录" not in html
    assert "简体中文" in html

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "登录" in client.get(reverse("login")).content.decode()


def test_logged_in_user_sees_their_saved_language(client, staff_user):
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    client.force_login(staff_user)
    html = client.get(reverse("residents:community_home", args=["tingtang"])).content
    assert b"Five-society linkage" in html


def test_login_page_offers_password_reset_by_email(client):
    html = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in html
    assert "忘记密码" in html
