"""Staff register someone whose number already has a login; its owner confirms it.

The owner logs in with their own password, finds the new community waiting on
their home page and adds it with the code texted to their phone (read here from
the logging SMS backend's table).
"""

import pytest
from playwright.sync_api import expect

from notifications.models import LoggedSms
from residents.models import Resident, Role
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import MembershipFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "13859005555"


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_owner_adds_a_new_community_to_their_login_with_the_texted_code(
    new_page, community, other_community, staff_user
):
    owner = UserFactory(mobile=MOBILE, display_name="郑阿姨")
    MembershipFactory(user=owner, community=other_community, role=Role.RESIDENT)
    ResidentFactory(community=other_community, user=owner, mobile=MOBILE)
    record = ResidentFactory(community=community, name="郑阿姨", mobile=MOBILE)

    staff = new_page()
    log_in(staff, staff_user)
    staff.goto(f"/c/{community.slug}/residents/{record.pk}/")
    assert_accessible(staff)
    staff.get_by_role("button", name="开通登录账号").click()
    expect(staff.get_by_text("验证码只显示这一次")).to_be_visible()
    expect(staff.locator("#login-name")).to_have_text(MOBILE)
    assert_accessible(staff)
    staff.get_by_role("link", name="完成").click()
    expect(staff.locator("#login-state")).to_have_text(
        "已开通登录账号：等待本人首次登录"
    )
    assert_accessible(staff)

    person = new_page()
    log_in(person, owner)
    expect(person.get_by_role("heading", name="等待您确认")).to_be_visible()
    expect(person.get_by_text("汀塘社区用您的手机号登记了一位居民")).to_be_visible()
    assert _no_horizontal_scroll(person)
    person.get_by_role("link", name="是我，加到我的登录账号").click()
    expect(person.get_by_role("heading", name="是您本人吗？")).to_be_visible()
    assert_accessible(person)

    code = LoggedSms.objects.get(mobile=MOBILE).params["code"]
    person.get_by_label("短信验证码").fill(code)
    person.get_by_role("button", name="是我，加到我的登录账号").click()
    expect(person.get_by_role("heading", name="汀塘社区")).to_be_visible()
    expect(person.get_by_text("您的登录账号现在也可以进入汀塘社区。")).to_be_visible()
    assert_accessible(person)
    assert Resident.objects.get(pk=record.pk).user_id == owner.pk

    staff.reload()
    expect(staff.locator("#login-state")).to_have_text("已有登录账号")
