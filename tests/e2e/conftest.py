"""A real browser (Debian chromium driven by Playwright) against live_server."""

import os

import pytest

from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts (one per person); all are closed after the test."""
    contexts = []

    def open_page(viewport=None, locale="zh-CN"):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or PHONE, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, user, password=PASSWORD):
    """Log in through the login form, by mobile number when the user has one."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.mobile or user.username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
