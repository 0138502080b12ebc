"""The meeting page is kept rendered between readers: in a real browser, an agenda
item added through the form shows at once on the kept page of another reader, each
in their own language, and the form of the kept page works for each (their own
CSRF token)."""

import pytest

from residents.models import Role
from tests.council.factories import schedule
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agenda_item_added_shows_at_once_on_the_kept_meeting_page(
    community, staff_user, new_page
):
    meeting = schedule(community, by=staff_user, title="十一月议事会")
    english_user = UserFactory(display_name="Li Wei", language="en")
    MembershipFactory(user=english_user, community=community, role=Role.STAFF)
    path = meeting.get_absolute_url()

    # An English reader fills the kept page first.
    other = new_page(locale="en-GB")
    log_in(other, english_user)
    other.goto(path)
    assert other.get_by_role("heading", name="Agenda", exact=True).is_visible()
    assert other.get_by_text("No agenda items yet.").is_visible()
    assert_accessible(other)

    # Staff add an item through the kept page's own form, in Chinese.
    page = new_page()
    log_in(page, staff_user)
    page.goto(path)
    assert page.get_by_text("还没有议程事项。").is_visible()
    page.get_by_text("添加工作人员事项", exact=True).click()
    page.get_by_label("标题").fill("三号楼门口路灯")
    page.get_by_role("button", name="加入议程").click()
    page.wait_for_url(f"**{path}#agenda")
    assert page.get_by_role("link", name="三号楼门口路灯").is_visible()
    assert_accessible(page)

    # The English reader sees it at once, still in English, and can add one too.
    other.goto(path)
    assert other.get_by_role("link", name="三号楼门口路灯").is_visible()
    assert other.get_by_role("heading", name="Agenda", exact=True).is_visible()
    other.get_by_text("Add a staff item", exact=True).click()
    other.get_by_label("Title").fill("Lift repair")
    other.get_by_role("button", name="Add to the agenda").click()
    other.wait_for_url(f"**{path}#agenda")
    assert other.get_by_role("link", name="Lift repair").is_visible()
    assert_accessible(other)
