"""The home page's outcomes section and the outcomes list are kept rendered per
community and viewer (outcomes.selectors.COMMUNITY_OUTCOMES): an outcome recorded,
edited, carried out or rated shows on the next visit. Each write runs its
on-commit callbacks, as a commit does.
"""

import pytest
from django.urls import reverse

from outcomes import services
from outcomes.models import ActionStatus
from tests.outcomes.factories import add_item, record_outcome
from tests.pages import opened

pytestmark = pytest.mark.django_db


def home(user, community):
    return opened(user, reverse("residents:community_home", args=[community.slug]))


def test_recorded_and_carried_out_decisions_show_at_once(
    django_capture_on_commit_callbacks, community, staff_user, resident_user
):
    assert "正在落实的决定" not in home(resident_user, community)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = record_outcome(community, by=staff_user)
    assert "落实中 1 项 · 已落实 0 项" in home(resident_user, community)
    with django_capture_on_commit_callbacks(execute=True):
        item = add_item(outcome, by=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_item_set_status(
            item=item, by=staff_user, status=ActionStatus.DONE
        )
    assert "落实中 0 项 · 已落实 1 项" in home(resident_user, community)


def outcome_list(user, community):
    return opened(user, reverse("outcomes:outcomes", args=[community.slug]))


def test_the_outcomes_list_shows_each_change_at_once(
    django_capture_on_commit_callbacks, community, staff_user, resident, resident_user
):
    assert "把老村部四楼改建为儿童活动中心" not in outcome_list(
        resident_user, community
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = record_outcome(community, by=staff_user)
    assert "把老村部四楼改建为儿童活动中心" in outcome_list(resident_user, community)
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_update(outcome=outcome, by=staff_user, decision="改建四楼")
    assert "改建四楼" in outcome_list(resident_user, community)
    with django_capture_on_commit_callbacks(execute=True):
        item = add_item(outcome, by=staff_user)
    assert "1 项落实事项已完成 0 项" in outcome_list(resident_user, community)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_item_set_status(
            item=item, by=staff_user, status=ActionStatus.DONE
        )
    assert "1 项落实事项已完成 1 项" in outcome_list(resident_user, community)
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_submit(
            outcome=outcome, resident=resident, by=resident_user, score=4
        )
    assert "满意度 4" in outcome_list(resident_user, community)
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_submit(
            outcome=outcome, resident=resident, by=resident_user, score=2
        )
    assert "满意度 2" in outcome_list(resident_user, community)
