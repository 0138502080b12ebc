"""The Content-Security-Policy refuses nothing the pages need, in a real browser.

The browser reports each refused script, style or handler as a console error and
a securitypolicyviolation event; a page that relied on one would also stop working
(the print buttons, the filter that submits itself, htmx).
"""

import pytest

from tests.council.factories import in_progress, schedule
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import UserFactory
from tests.topics.factories import TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
window.print = () => { window.__printed = true; };
"""


@pytest.fixture
def watched_page(new_page):
    """Open pages that record CSP violations (as events and as console errors) and
    script errors. Other console errors, such as the favicon's 404, are no concern."""

    def open_page():
        page = new_page()
        page.add_init_script(WATCH)
        problems = []

        def on_console(message):
            if message.type == "error" and "Content Security Policy" in message.text:
                problems.append(f"console: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

        def violations():
            events = page.evaluate("window.__violations || []")
            return problems + [f"violation: {event}" for event in events]

        page.violations = violations
        return page

    return open_page


def _visit(page, pages, *, accessible=True):
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, name
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert page.violations() == [], name
        if accessible:
            assert_accessible(page)


@pytest.fixture
def meetings(community, staff_user):
    running = in_progress(schedule(community, by=staff_user), by=staff_user)
    upcoming = schedule(community, by=staff_user, days=30, title="十二月议事会")
    topic = TopicFactory(community=community, window=upcoming.window, title="路灯坏了")
    return {"running": running, "upcoming": upcoming, "topic": topic}


def test_staff_pages_run_without_a_policy_violation(
    watched_page, community, staff_user, meetings
):
    page = watched_page()
    log_in(page, staff_user)
    slug, running = community.slug, meetings["running"]
    meeting = f"/c/{slug}/council/meetings/{meetings['upcoming'].pk}/"
    pages = {
        "home": "/",
        "topic list": f"/c/{slug}/topics/",
        "meeting": meeting,
        "meeting in progress": f"/c/{slug}/council/meetings/{running.pk}/",
        "check-in QR code": f"/c/{slug}/council/meetings/{running.pk}/qr/",
        "printable notice": f"{meeting}print/",
        "notice board sheet": f"/inbox/c/{slug}/notice-board/",
        "residents": f"/c/{slug}/residents/",
        "deliveries": f"/inbox/c/{slug}/deliveries/",
    }
    _visit(page, pages)

    # The print buttons print, with their handler in static/js/app.js.
    for url in (pages["printable notice"], pages["notice board sheet"]):
        page.goto(url)
        page.locator("[data-print]").click()
        assert page.evaluate("window.__printed === true"), url

    # A filter on the residents list submits its form when picked.
    page.goto(pages["residents"])
    with page.expect_navigation():
        page.locator("label[for^=tag-]").nth(1).click()
    assert "tag=" in page.url
    assert_accessible(page)

    # htmx polls the quorum of the meeting in progress (every 10 s), adding no style
    # element of its own.
    page.goto(pages["meeting in progress"])
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    page.wait_for_event("response", lambda response: "/quorum/" in response.url)
    assert page.violations() == []


def test_resident_pages_run_without_a_policy_violation(
    watched_page, community, resident_user, meetings
):
    page = watched_page()
    log_in(page, resident_user)
    topic = meetings["topic"]
    _visit(
        page,
        {
            "home": "/",
            "topic list": f"/c/{community.slug}/topics/",
            "topic submit": f"/c/{community.slug}/topics/new/",
            "topic": topic.get_absolute_url(),
        },
    )

    # Supporting a topic swaps the button in place through htmx.
    page.locator("#endorse-box button").click()
    page.locator("#endorse-box button[aria-pressed=true]").wait_for()
    assert page.url.endswith(topic.get_absolute_url())
    assert page.violations() == []


def test_admin_runs_without_a_policy_violation(watched_page, community, meetings):
    admin = UserFactory(is_staff=True, is_superuser=True)
    page = watched_page()
    log_in(page, admin)
    _visit(
        page,
        {
            "admin": "/admin/",
            "meetings": "/admin/council/meeting/",
            "meeting": f"/admin/council/meeting/{meetings['upcoming'].pk}/change/",
            "new resident": "/admin/residents/resident/add/",
        },
        accessible=False,  # Django's own admin markup, for superusers only
    )
