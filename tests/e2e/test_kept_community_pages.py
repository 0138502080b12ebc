"""The community home, the topic list, the council page and the votes list are kept
rendered between readers: in a real browser, a topic submitted through the form
shows at once on the kept pages of every reader, each in their own language."""

import pytest

from residents.models import Role
from tests.council.factories import schedule
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import MembershipFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_topic_shows_at_once_on_kept_pages_in_both_languages(
    community, staff_user, resident_user, new_page
):
    schedule(community, by=staff_user, title="十一月议事会")
    english_user = UserFactory(display_name="Li Wei", language="en")
    MembershipFactory(user=english_user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=english_user, name="Li Wei")
    home, topics = f"/c/{community.slug}/", f"/c/{community.slug}/topics/"

    # An English reader fills the kept pages first.
    other = new_page(locale="en-GB")
    log_in(other, english_user)
    other.goto(home)
    assert other.get_by_text("0 topics submitted so far.").is_visible()
    assert_accessible(other)
    other.goto(topics)
    assert other.get_by_role("heading", name="Topics", exact=True).is_visible()
    assert_accessible(other)
    for path in (f"/c/{community.slug}/council/", f"/c/{community.slug}/votes/"):
        other.goto(path)
        assert_accessible(other)

    # A resident submits a topic through the form, in Chinese.
    page = new_page()
    log_in(page, resident_user)
    page.goto(home)
    assert page.get_by_text("目前已提交 0 个议题。").is_visible()
    page.goto(topics)
    page.get_by_role("link", name="提交议题").first.click()
    page.wait_for_url("**/topics/new/")
    assert_accessible(page)
    page.get_by_label("标题").fill("三号楼门口路灯坏了")
    page.get_by_label("遇到了什么问题？希望怎么解决？").fill("晚上太黑，老人容易摔倒。")
    page.get_by_label("公共设施与维修").check()
    page.get_by_role("button", name="提交议题").click()
    page.wait_for_url("**/topics/*/?submitted=1")
    assert_accessible(page)
    page.goto(home)
    assert page.get_by_text("目前已提交 1 个议题。").is_visible()
    assert_accessible(page)
    page.goto(topics)
    assert page.get_by_role("link", name="三号楼门口路灯坏了").is_visible()
    assert_accessible(page)

    # The English reader sees it at once, still in English.
    other.goto(home)
    assert other.get_by_text("1 topic submitted so far.").is_visible()
    other.goto(topics)
    assert other.get_by_role("link", name="三号楼门口路灯坏了").is_visible()
    assert other.get_by_text("1 topic", exact=True).is_visible()
