"""Staff give an offline resident a login; the resident logs in with the one-time code."""

from playwright.sync_api import expect

from residents.models import User
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import ResidentFactory


def test_resident_logs_in_with_one_time_code_and_chooses_a_password(
    new_page, community, staff_user
):
    resident = ResidentFactory(
        community=community, name="林秀英", mobile="13859001234", building="3"
    )

    staff = new_page()
    log_in(staff, staff_user)
    staff.goto(f"/c/{community.slug}/residents/{resident.pk}/")
    assert_accessible(staff)
    staff.get_by_role("button", name="开通登录账号").click()
    expect(staff.get_by_text("验证码只显示这一次")).to_be_visible()
    expect(staff.locator("#login-name")).to_have_text("13859001234")
    code = staff.locator("#one-time-code").inner_text().strip()
    assert len(code) == 8
    assert_accessible(staff)

    person = new_page()
    log_in(person, User.objects.get(mobile="13859001234"), password=code)
    # Sent to choose a password before anything else, whatever is asked for.
    expect(person.get_by_role("heading", name="设置新密码")).to_be_visible()
    person.goto(f"/c/{community.slug}/")
    expect(person.get_by_role("heading", name="设置新密码")).to_be_visible()
    person.locator("input[name=new_password1]").fill("Tingtang-2026!")
    person.locator("input[name=new_password2]").fill("Tingtang-2026!")
    person.get_by_role("button", name="保存新密码").click()
    expect(person.get_by_role("heading", name="汀塘社区")).to_be_visible()
    assert_accessible(person)

    # The code no longer works; the chosen password does.
    fresh = new_page()
    log_in(fresh, User.objects.get(mobile="13859001234"), password=code)
    expect(fresh.locator("input[name=password]")).to_be_visible()
    log_in(fresh, User.objects.get(mobile="13859001234"), password="Tingtang-2026!")
    expect(fresh.get_by_role("heading", name="汀塘社区")).to_be_visible()
