"""A person logs in by mobile number on a phone and switches the language."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_login_by_mobile_then_switch_to_english_and_back(page, staff_user):
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "登录"
    assert _no_horizontal_scroll(page)
    assert_accessible(page)

    log_in(page, staff_user)
    assert page.url.endswith("/c/tingtang/")
    assert page.locator("h1").inner_text() == "汀塘社区"
    assert _no_horizontal_scroll(page)

    _open_menu(page, "菜单")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/c/tingtang/")
    assert_accessible(page)
    _open_menu(page, "Menu")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("汀塘社区")


def _open_menu(page, label):
    """Open the phone menu and wait until its opening animation has finished."""
    page.get_by_role("button", name=label).click()
    page.locator("#mainnav.collapse.show").wait_for(state="visible")


def test_wrong_password_keeps_what_was_typed_and_explains(page, staff_user):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(staff_user.mobile)
    page.locator("input[name=password]").fill("not-the-password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("input[name=username]").input_value() == staff_user.mobile
    assert_accessible(page)
    assert page.locator(".alert-danger, .invalid-feedback, .errorlist").count() >= 1
