"""Staff of one community cannot reach a login that also lives elsewhere.

Issue 8, item 1: staff of community B created a resident with the mobile number
of a resident of community A, "created a login" (which linked B's record to A's
login), reset the password and logged in as A's resident. Now B's record waits
for the login's owner, who confirms with a code texted to the number; staff see
the same page whether or not the number has a login; and no one-time code can
be given for a login that is not wholly their community's resident's.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications.models import LoggedSms
from residents import services
from residents.models import CodeStatus, LoginLink, Membership, Resident, Role
from residents.predicates import login_is_community_only
from tests.factories import PASSWORD, MembershipFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db

A_MOBILE = "13859005555"


def url(name, community, **kwargs):
    return reverse(f"residents:{name}", kwargs={"community": community.slug, **kwargs})


def shown_code(response) -> str:
    match = re.search(r'id="one-time-code">([A-Z0-9]+)<', response.content.decode())
    assert match, "a one-time code is shown"
    return match.group(1)


def texted_code(mobile: str) -> str:
    sms = LoggedSms.objects.filter(mobile=mobile).latest("pk")
    return sms.params["code"]


@pytest.fixture
def person_in_a(other_community):
    """A resident of community A (东峤) with a login and a password of their own."""
    user = UserFactory(mobile=A_MOBILE, display_name="郑阿姨")
    MembershipFactory(user=user, community=other_community, role=Role.RESIDENT)
    ResidentFactory(
        community=other_community, user=user, mobile=A_MOBILE, name="郑阿姨"
    )
    return user


@pytest.fixture
def b_record(community):
    """Staff of community B (汀塘) register someone with A's resident's number."""
    return ResidentFactory(community=community, name="冒名者", mobile=A_MOBILE)


def test_staff_of_b_cannot_log_in_as_a_resident_of_a_by_their_number(
    client,
    login,
    staff_user,
    community,
    person_in_a,
    b_record,
    django_capture_on_commit_callbacks,
):
    staff = login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url("resident_login_create", community, pk=b_record.pk))
    code = shown_code(response)
    b_record.refresh_from_db()
    assert b_record.user is None  # not linked to A's login

    # Reset, the second half of the attack, gives no way in either.
    reset = staff.post(url("resident_password_reset", community, pk=b_record.pk))
    reset_code = shown_code(reset)
    staff.logout()
    for tried in (code, reset_code):
        response = client.post(
            reverse("login"), {"username": A_MOBILE, "password": tried}
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    person_in_a.refresh_from_db()
    assert person_in_a.check_password(PASSWORD)  # the owner is not locked out
    assert not person_in_a.must_change_password
    assert not Membership.objects.filter(user=person_in_a, community=community)


def _same_looking(community, mobile):
    return ResidentFactory(
        community=community,
        name="林秀英",
        mobile=mobile,
        building="3",
        unit="1",
        room="201",
        household="",
    )


def _page(html: str, resident) -> str:
    """The page with what differs between any two residents taken out."""
    html = html.replace(resident.mobile, "MOBILE")
    html = html.replace(f"/residents/{resident.pk}/", "/residents/PK/")
    html = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", html)  # masked CSRF tokens
    return re.sub(r'id="one-time-code">[A-Z0-9]+<', "CODE", html)


def test_staff_get_the_same_reply_whether_or_not_the_number_has_a_login(
    login, staff_user, community, person_in_a
):
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        elsewhere = _same_looking(community, A_MOBILE)
        fresh = _same_looking(community, "13859006666")
        staff = login(staff_user)

        def reply(resident, name):
            response = staff.post(url(name, community, pk=resident.pk))
            assert response.status_code == 200
            return _page(response.content.decode(), resident)

        def detail(resident):
            response = staff.get(url("resident_detail", community, pk=resident.pk))
            return _page(response.content.decode(), resident)

        assert detail(elsewhere) == detail(fresh)
        assert reply(elsewhere, "resident_login_create") == reply(
            fresh, "resident_login_create"
        )
        # Afterwards the resident's page and the next code look the same too.
        assert detail(elsewhere) == detail(fresh)
        assert "等待本人首次登录" in detail(elsewhere)
        again = reply(elsewhere, "resident_password_reset")
        assert again == reply(fresh, "resident_password_reset")
        assert "现在也可以进入本社区" not in again


def test_the_owner_confirms_the_new_record_with_the_texted_code(
    login,
    staff_user,
    community,
    person_in_a,
    b_record,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        login(staff_user).post(url("resident_login_create", community, pk=b_record.pk))
    sms = LoggedSms.objects.get(mobile=A_MOBILE)
    assert "汀塘社区" in sms.text and "自己的密码" in sms.text

    client = login(person_in_a)
    home = client.get(reverse("home"))
    assert home.status_code == 200  # stays on the list, though one community
    assert "汀塘社区" in home.content.decode()
    assert "冒名者" in home.content.decode()
    link = person_in_a.login_links.get()
    profile = client.get(reverse("profile")).content.decode()
    assert reverse("login_link_confirm", args=[link.pk]) in profile

    response = client.post(
        reverse("login_link_confirm", args=[link.pk]),
        {"code": texted_code(A_MOBILE)},
    )
    assert response.status_code == 302
    assert response["Location"] == community.get_absolute_url()
    b_record.refresh_from_db()
    assert b_record.user == person_in_a
    assert Membership.objects.filter(
        user=person_in_a, community=community, role=Role.RESIDENT
    ).exists()
    person_in_a.refresh_from_db()
    assert person_in_a.check_password(PASSWORD)
    # Now the login opens A and B: B's staff cannot reset it, nor can A's.
    assert not login_is_community_only(person_in_a, community)
    staff = login(staff_user)
    page = staff.get(url("resident_detail", community, pk=b_record.pk))
    assert "只有本人可以" in page.content.decode()
    response = staff.post(
        url("resident_password_reset", community, pk=b_record.pk), follow=True
    )
    assert "通过邮件" in response.content.decode()
    person_in_a.refresh_from_db()
    assert person_in_a.check_password(PASSWORD)


def test_a_wrong_code_counts_and_too_many_void_the_offer(
    login,
    staff_user,
    community,
    person_in_a,
    b_record,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SMS_CODE_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        login(staff_user).post(url("resident_login_create", community, pk=b_record.pk))
    right = texted_code(A_MOBILE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    link = person_in_a.login_links.get()
    client = login(person_in_a)
    confirm = reverse("login_link_confirm", args=[link.pk])
    response = client.post(confirm, {"code": wrong})
    assert response.status_code == 200
    assert "还可以试 2 次" in response.content.decode()
    client.post(confirm, {"code": wrong})
    response = client.post(confirm, {"code": wrong})
    assert "错误次数太多" in response.content.decode()
    assert client.post(confirm, {"code": right}).status_code == 404
    link.refresh_from_db()
    assert link.status == CodeStatus.FAILED
    b_record.refresh_from_db()
    assert b_record.user is None


def test_the_offer_expires_with_one_time_codes(
    login,
    staff_user,
    community,
    person_in_a,
    b_record,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.ONE_TIME_CODE_HOURS = 72
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            login(staff_user).post(
                url("resident_login_create", community, pk=b_record.pk)
            )
        link = person_in_a.login_links.get()
        assert link.expires_at == start + timedelta(hours=72)
    code = texted_code(A_MOBILE)
    confirm = reverse("login_link_confirm", args=[link.pk])
    with time_machine.travel(start + timedelta(hours=72), tick=False):
        client = login(person_in_a)
        assert client.post(confirm, {"code": code}).status_code == 404
        assert "冒名者" not in client.get(reverse("profile")).content.decode()
    with time_machine.travel(start + timedelta(hours=72, seconds=-1), tick=False):
        assert client.post(confirm, {"code": code}).status_code == 302
    b_record.refresh_from_db()
    assert b_record.user == person_in_a


def test_the_owner_declines_and_the_record_stays_apart(
    login, staff_user, community, person_in_a, b_record
):
    login(staff_user).post(url("resident_login_create", community, pk=b_record.pk))
    link = person_in_a.login_links.get()
    client = login(person_in_a)
    response = client.post(reverse("login_link_decline", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == CodeStatus.DECLINED
    assert "冒名者" not in client.get(reverse("home"), follow=True).content.decode()
    b_record.refresh_from_db()
    assert b_record.user is None


def test_only_the_logins_owner_can_open_or_answer_the_offer(
    login, staff_user, community, person_in_a, b_record, resident_user
):
    login(staff_user).post(url("resident_login_create", community, pk=b_record.pk))
    link = person_in_a.login_links.get()
    for person in (staff_user, resident_user):
        client = login(person)
        confirm = reverse("login_link_confirm", args=[link.pk])
        assert client.get(confirm).status_code == 404
        assert client.post(confirm, {"code": "123456"}).status_code == 404
        decline = reverse("login_link_decline", args=[link.pk])
        assert client.post(decline).status_code == 404
    link.refresh_from_db()
    assert link.status == CodeStatus.PENDING and link.attempts == 0


def test_a_login_holding_the_number_cannot_take_the_record_without_the_phone(
    login,
    staff_user,
    community,
    other_community,
    other_staff_user,
    b_record,
    django_capture_on_commit_callbacks,
):
    """Staff of A made a login with the number and know its code: the record
    offered to that login still needs the code texted to the phone."""
    a_record = ResidentFactory(community=other_community, mobile=A_MOBILE)
    login(other_staff_user).post(
        url("resident_login_create", other_community, pk=a_record.pk)
    )
    a_login = Resident.objects.get(pk=a_record.pk).user
    services.user_password_set(user=a_login, password="Dongqiao-2026!")
    with django_capture_on_commit_callbacks(execute=True):
        login(staff_user).post(url("resident_login_create", community, pk=b_record.pk))
    link = LoginLink.objects.get(resident=b_record)
    assert link.user == a_login
    client = login(a_login)
    response = client.post(
        reverse("login_link_confirm", args=[link.pk]), {"code": "000000"}
    )
    assert response.status_code == 200
    b_record.refresh_from_db()
    assert b_record.user is None


def test_staff_cannot_reset_a_login_linked_to_another_community_before_the_fix(
    login, staff_user, community, person_in_a
):
    """A record of B linked to A's login (as the old code did) gives B no way in."""
    linked = ResidentFactory(community=community, user=person_in_a, mobile=A_MOBILE)
    response = login(staff_user).post(
        url("resident_password_reset", community, pk=linked.pk), follow=True
    )
    assert "通过邮件" in response.content.decode()
    assert 'id="one-time-code"' not in response.content.decode()
    person_in_a.refresh_from_db()
    assert person_in_a.check_password(PASSWORD)
    assert not person_in_a.must_change_password


def test_staff_editing_a_number_do_not_move_a_login_of_another_community(
    community, person_in_a
):
    linked = ResidentFactory(community=community, user=person_in_a, mobile=A_MOBILE)
    services.resident_update(resident=linked, mobile="13700004444")
    person_in_a.refresh_from_db()
    assert person_in_a.mobile == A_MOBILE


def test_changing_the_records_number_withdraws_the_offer(
    login, staff_user, community, person_in_a, b_record
):
    login(staff_user).post(url("resident_login_create", community, pk=b_record.pk))
    services.resident_update(resident=b_record, mobile="13700004445")
    assert person_in_a.login_links.get().status == CodeStatus.REPLACED


# -- the predicate, across every kind of login --------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("nothing", True),
        ("record_elsewhere", False),
        ("membership_elsewhere", False),
        ("staff_here", False),
        ("social_worker_here", False),
        ("district_officer", False),
        ("admin", False),
    ],
)
def test_login_is_community_only(community, other_community, extra, expected):
    user = UserFactory()
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=user)
    if extra == "record_elsewhere":
        ResidentFactory(community=other_community, user=user)
    elif extra == "membership_elsewhere":
        MembershipFactory(user=user, community=other_community, role=Role.RESIDENT)
    elif extra in ("staff_here", "social_worker_here"):
        role = Role.STAFF if extra == "staff_here" else Role.SOCIAL_WORKER
        MembershipFactory(user=user, community=community, role=role)
    elif extra == "district_officer":
        MembershipFactory(
            user=user,
            community=None,
            district=community.district,
            role=Role.DISTRICT_OFFICER,
        )
    elif extra == "admin":
        user.is_staff = True
        user.save()
    assert login_is_community_only(user, community) is expected
