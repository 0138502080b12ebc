"""The outcome page is kept rendered per outcome and variant
(outcomes.selectors.OUTCOME_PAGES): every reader sees at once what a service
changed, and only their own pledges, rating and buttons. Each write runs its
on-commit callbacks, as a commit does (the committed fixture).
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from council import services as council_services
from outcomes import services
from outcomes.models import ActionStatus, ActionUpdate
from residents.models import Resident, Role
from tests.factories import MembershipFactory, ResidentFactory, UserFactory
from tests.outcomes.factories import add_item, record_outcome
from tests.pages import opened
from topics.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcome(community, staff_user):
    return record_outcome(community, by=staff_user)


@pytest.fixture
def second(community):
    """Another resident of the community, reading in Chinese too."""
    user = UserFactory(display_name="王阿姨")
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=user, name="王阿姨")
    return user


def page(user, outcome) -> str:
    return opened(user, outcome.get_absolute_url())


def test_each_change_to_the_story_shows_at_once(
    committed, community, outcome, staff_user, resident_user, resident, library
):
    assert "把老村部四楼改建为儿童活动中心" in page(resident_user, outcome)
    committed(
        services.outcome_update, outcome=outcome, by=staff_user, decision="改建四楼"
    )
    assert "改建四楼" in page(resident_user, outcome)
    item = committed(add_item, outcome, by=staff_user, owner=library)
    assert "采购书架" in page(resident_user, outcome)
    committed(
        services.action_item_change,
        item=item,
        by=staff_user,
        description="采购新书架",
        due_on=item.due_on,
        owner_organization=library,
    )
    assert "采购新书架" in page(resident_user, outcome)
    committed(services.action_update_post, item=item, by=staff_user, text="书架已到货")
    assert "书架已到货" in page(resident_user, outcome)
    committed(
        services.action_item_set_status,
        item=item,
        by=staff_user,
        status=ActionStatus.DONE,
    )
    assert "1 项落实事项已完成 1 项" in page(resident_user, outcome)
    assert "4 星：" not in page(staff_user, outcome)  # kept for staff too
    outcome.refresh_from_db()
    committed(
        services.rating_submit,
        outcome=outcome,
        resident=resident,
        by=resident_user,
        score=4,
    )
    assert "4 星：1 人（100%）" in page(staff_user, outcome)
    committed(
        services.rating_submit,
        outcome=outcome,
        resident=resident,
        by=resident_user,
        score=2,
    )
    shown = page(staff_user, outcome)
    assert "2 星：1 人（100%）" in shown
    assert "4 星：0 人（0%）" in shown


def test_needs_and_pledges_show_at_once(
    committed, outcome, staff_user, resident_user, resident, second
):
    assert "儿童图书" not in page(second, outcome)
    need = committed(
        services.pledge_need_add,
        outcome=outcome,
        by=staff_user,
        description="儿童图书",
        unit="本",
        quantity=300,
    )
    assert "儿童图书" in page(second, outcome)
    pledge = committed(
        services.pledge_make,
        need=need,
        by=resident_user,
        resident=resident,
        quantity=20,
    )
    assert "已到位 0 本 · 已认捐 20 · 还差 280" in page(second, outcome)
    committed(services.pledge_receive, pledge=pledge, by=staff_user, quantity=5)
    assert "已到位 5 本 · 已认捐 20 · 还差 280" in page(second, outcome)
    other = committed(
        services.pledge_make,
        need=need,
        by=second,
        resident=Resident.objects.get(user=second),
        quantity=30,
    )
    assert "已认捐 50" in page(resident_user, outcome)
    committed(services.pledge_withdraw, pledge=other, by=second)
    assert "已到位 5 本 · 已认捐 20 · 还差 280" in page(resident_user, outcome)


def test_published_minutes_are_linked_at_once(
    committed, community, outcome, staff_user, social_worker, resident_user
):
    meeting = outcome.meeting
    committed(council_services.meeting_conclude, meeting=meeting, by=staff_user)
    minutes = services.minutes_for_meeting(meeting=meeting)
    assert "查看会议纪要" not in page(resident_user, outcome)
    committed(services.minutes_publish, minutes=minutes, by=social_worker)
    assert "查看会议纪要" in page(resident_user, outcome)


@pytest.fixture
def implemented(committed, outcome, staff_user, library):
    """The outcome implemented (its one item done): residents may rate it."""
    item = committed(add_item, outcome, by=staff_user, owner=library)
    committed(
        services.action_item_set_status,
        item=item,
        by=staff_user,
        status=ActionStatus.DONE,
    )
    outcome.refresh_from_db()
    return outcome


@pytest.fixture
def rated(committed, implemented, resident_user, resident):
    """The implemented outcome, rated 4 by `resident`."""
    committed(
        services.rating_submit,
        outcome=implemented,
        resident=resident,
        by=resident_user,
        score=4,
    )
    return implemented


def test_two_residents_each_see_their_own_rating(rated, resident_user, second):
    outcome = rated
    for _ in range(2):  # built, then kept
        mine = page(resident_user, outcome)
        theirs = page(second, outcome)
        assert "您评了 4 星" in mine
        assert "修改我的评价" in mine
        assert "您评了" not in theirs
        assert "提交评价" in theirs
        assert "修改我的评价" not in theirs


def test_a_raters_page_reads_their_rating_with_the_outcome(
    rated, resident_user, django_assert_max_num_queries
):
    """An implemented outcome's page: the rating comes in the outcome's query."""
    outcome = rated
    client = Client()
    client.force_login(resident_user)
    client.get(outcome.get_absolute_url())  # built
    # The session, the login, the outcome with the rating; the members of the
    # organisation an item is owned by are kept with the page.
    with django_assert_max_num_queries(3):
        shown = client.get(outcome.get_absolute_url()).content.decode()
    assert "您评了 4 星" in shown


def test_only_the_pledger_sees_their_pledge_as_theirs(
    committed, outcome, staff_user, resident_user, resident, second
):
    need = committed(
        services.pledge_need_add,
        outcome=outcome,
        by=staff_user,
        description="儿童图书",
        unit="本",
        quantity=300,
    )
    committed(
        services.pledge_make,
        need=need,
        by=resident_user,
        resident=resident,
        quantity=20,
    )
    for _ in range(2):  # built, then kept
        mine = page(resident_user, outcome)
        theirs = page(second, outcome)
        logged_out = Client().get(outcome.get_absolute_url()).content.decode()
        assert "您: 20 本" in mine
        assert "撤回我的认捐" in mine
        for other in (theirs, logged_out):
            assert "居民: 20 本" in other
            assert "撤回我的认捐" not in other
            assert "<!--mine" not in other
        assert resident.name not in theirs
        assert resident.name in page(staff_user, outcome)  # staff see names


def test_only_the_owner_and_staff_see_post_progress(
    committed, outcome, staff_user, resident_user, resident, second
):
    committed(
        services.action_item_add,
        outcome=outcome,
        by=staff_user,
        description="周六志愿者值班",
        due_on=timezone.localdate() + timedelta(days=20),
        owner_resident=resident,
    )
    for _ in range(2):  # built, then kept
        assert "更新进展" in page(resident_user, outcome)
        assert "更新进展" not in page(second, outcome)
        assert "更新进展" in page(staff_user, outcome)


def test_an_owner_organisations_members_see_post_progress_as_they_change(
    committed, outcome, staff_user, resident_user, resident, second, library
):
    """Who belongs to an owner organisation is kept with the page, and forgotten
    when the organisation services change its members."""
    from residents import services as residents_services

    committed(add_item, outcome, by=staff_user, owner=library)
    for _ in range(2):  # built, then kept
        assert "更新进展" not in page(resident_user, outcome)
    committed(
        residents_services.organization_member_add,
        organization=library,
        resident=resident,
    )
    for _ in range(2):
        assert "更新进展" in page(resident_user, outcome)
        assert "更新进展" not in page(second, outcome)
    committed(
        residents_services.organization_member_remove,
        organization=library,
        resident=resident,
    )
    assert "更新进展" not in page(resident_user, outcome)


def test_each_rater_sends_the_kept_blank_rating_form_with_their_own_token(
    committed, implemented, resident_user, second
):
    """The blank rating form is kept per outcome and language; each reader's copy
    carries their own CSRF token, which the rating accepts."""
    from django.urls import reverse

    action = reverse("outcomes:rate", args=[implemented.community.slug, implemented.pk])
    tokens = set()
    for user in (resident_user, second):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        html = client.get(implemented.get_absolute_url()).content.decode()
        form = html[html.index(f'<form method="post" action="{action}"') :]
        start = form.index('name="csrfmiddlewaretoken" value="') + 34
        token = form[start : form.index('"', start)]
        tokens.add(token)
        answer = client.post(action, {"score": 5, "csrfmiddlewaretoken": token})
        assert answer.status_code == 302, answer.content[:300]
        assert "您评了 5 星" in page(user, implemented)
    assert len(tokens) == 2


def test_an_item_shows_overdue_from_the_midnight_after_its_due_date(
    committed, outcome, staff_user, resident_user, library
):
    shanghai = timezone.get_current_timezone()
    with time_machine.travel(datetime(2026, 12, 10, 23, 58, tzinfo=shanghai)):
        committed(add_item, outcome, by=staff_user, owner=library, days=0)
        assert "已逾期" not in page(resident_user, outcome)
        assert "已逾期" not in page(resident_user, outcome)  # kept
    with time_machine.travel(datetime(2026, 12, 11, 0, 1, tzinfo=shanghai)):
        assert "已逾期" in page(resident_user, outcome)


def test_what_the_apps_below_show_is_read_each_time(outcome, resident_user):
    assert "旧村部四楼改成儿童活动中心" in page(resident_user, outcome)
    Topic.objects.filter(pk=outcome.topic_id).update(title="四楼改建", comment_count=7)
    shown = page(resident_user, outcome)
    assert "四楼改建" in shown
    assert "7 条意见" in shown


def grown(outcome, n, *, by, owner):
    """n action items of the resident `owner`, each with an update."""
    items = [
        services.action_item_add(
            outcome=outcome,
            by=by,
            description=f"事项{i}",
            due_on=timezone.localdate() + timedelta(days=20),
            owner_resident=owner,
        )
        for i in range(n)
    ]
    ActionUpdate.objects.bulk_create(
        ActionUpdate(action_item=item, author=by, text=f"进展{item.pk}")
        for item in items
    )


@pytest.mark.parametrize("n", [2, 60])
def test_the_kept_page_asks_the_same_at_any_size(
    committed,
    django_assert_max_num_queries,
    outcome,
    staff_user,
    resident_user,
    resident,
    n,
):
    committed(grown, outcome, n, by=staff_user, owner=resident)
    client = Client()
    client.force_login(resident_user)
    client.get(outcome.get_absolute_url())  # built
    # The session, the login (with the resident record) and the outcome.
    with django_assert_max_num_queries(3):
        shown = client.get(outcome.get_absolute_url()).content.decode()
    assert shown.count("更新进展") == n
    assert f"进展{outcome.action_items.last().pk}" in shown


def test_a_kept_outcome_page_reads_its_story_and_the_noting_in_one_round_trip(
    implemented, resident_user, monkeypatch
):
    """The story, the reader's rating form and their opening noted for awareness
    come from the cache together (outcomes.views._detail_context)."""
    from tests.pages import kept_reads

    html, reads = kept_reads(resident_user, implemented.get_absolute_url(), monkeypatch)
    assert implemented.title in html and "提交评价" in html
    assert reads == 1
