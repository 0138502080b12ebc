"""A person logs in by mobile number on a phone and switches the language."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_login_by_mobile_then_switch_to_english_and_back(page, staff_user):
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "登录"
    assert _no_horizontal_scroll(page)

    log_in(page, staff_user)
    assert page.url.endswith("/c/tingtang/")
    assert page.locator("h1").inner_text() == "汀塘社区"
    assert _no_horizontal_scroll(page)

    page.get_by_role("button", name="菜单").click()
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith("/c/tingtang/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("button", name="Log out").is_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_wrong_password_keeps_what_was_typed_and_explains(page, staff_user):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(staff_user.mobile)
    page.locator("input[name=password]").fill("not-the-password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("input[name=username]").input_value() == staff_user.mobile
    assert page.locator(".alert-danger, .invalid-feedback, .errorlist").count() >= 1
