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


# Pages loaded and pages checked with axe, per test (see new_page).
_loaded: dict[int, set[str]] = {}
_checked: dict[int, set[str]] = {}


def _address(url: str) -> str:
    return url.split("#", 1)[0]


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts (one per person); all are closed after the test.

    Every page a test loads must be checked with assert_accessible: the test
    fails at the end, naming the pages that were not.
    """
    contexts = []
    loaded: set[str] = set()
    checked: set[str] = set()

    def open_page(viewport=None, locale="zh-CN"):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or PHONE, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        _loaded[id(page)] = loaded
        _checked[id(page)] = checked
        page.on("load", lambda p: loaded.add(_address(p.url)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    # Django's admin is Django's own markup, for superusers only: axe checks ours.
    unchecked = sorted(a for a in loaded - checked if "/admin/" not in a)
    assert not unchecked, f"pages not checked with assert_accessible: {unchecked}"


def assert_accessible(page, *, context=None):
    """Run axe-core on the page as it is now; fail on any serious or critical finding.

    axe-core's script ships inside axe-playwright-python: nothing is fetched.
    """
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()
    results = Axe().run(page, context=context)
    problems = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(
            f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}"
            for node in v["nodes"][:5]
        )
        for v in problems
    )
    assert not problems, f"axe on {page.url}:\n{report}"
    if id(page) in _checked:
        _checked[id(page)].add(_address(page.url))


def assert_touch_targets(page, minimum=44):
    """Every control a finger uses is at least `minimum` px tall and wide.

    Links inside a sentence are exempt (WCAG 2.5.8, inline); a checkbox, radio or
    file input counts with its label, which also toggles or opens it.
    """
    small = page.evaluate(
        """(minimum) => {
        const found = [];
        const visible = (el) => {
          if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) return false;
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0;
        };
        const inSentence = (el) => {
          // A link inside running text (a paragraph or a line of small print).
          if (getComputedStyle(el).display !== 'inline') return false;
          const block = el.closest('p, .small, small, label, .form-text, .alert');
          if (!block) return false;
          return block.textContent.trim().length > el.textContent.trim().length + 1;
        };
        const selector = 'a[href], button, input:not([type=hidden]), select, summary, [role=button]';
        for (const el of document.querySelectorAll(selector)) {
          if (!visible(el) || el.closest('.visually-hidden-focusable')) continue;
          if (el.matches('a') && inSentence(el)) continue;
          let r = el.getBoundingClientRect();
          let box = {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
          if (el.matches('input[type=checkbox], input[type=radio], input[type=file]')) {
            for (const label of Array.from(el.labels || [])) {
              if (!visible(label)) continue;
              const l = label.getBoundingClientRect();
              if (l.height < minimum - 0.5 || l.width < minimum - 0.5) continue;
              box = {top: Math.min(box.top, l.top), bottom: Math.max(box.bottom, l.bottom),
                     left: Math.min(box.left, l.left), right: Math.max(box.right, l.right)};
            }
          }
          if (el.matches('input.btn-check')) continue;  // its label is the button
          if (el.matches('.stretched-link')) {  // the whole card is the target
            const card = el.closest('.card, .list-group-item, .position-relative');
            if (card) { r = card.getBoundingClientRect(); box = {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }
          }
          const h = box.bottom - box.top, w = box.right - box.left;
          if (h < minimum - 0.5 || w < minimum - 0.5) {
            found.push(`${el.outerHTML.slice(0, 120)} ${Math.round(w)}x${Math.round(h)}`);
          }
        }
        return found;
    }""",
        minimum,
    )
    assert not small, f"targets under {minimum}px on {page.url}:\n" + "\n".join(small)


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, user, password=PASSWORD):
    """Log in through the login form, by mobile number when the user has one.

    Checks the login page and the page it lands on with axe.
    """
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.locator("input[name=username]").fill(user.mobile or user.username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page)
