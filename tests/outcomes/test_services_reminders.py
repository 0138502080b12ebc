"""Owners are reminded three days before and on the due date; staff alerted when overdue.

Each reminder goes out once (its key names the item, the due date and the
reminder), in the recipient's language, never in quiet hours.
"""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from outcomes import services
from outcomes.models import ActionStatus
from outcomes.tasks import remind_action_item
from residents.models import Role
from tests.factories import MembershipFactory, ResidentFactory, UserFactory
from tests.outcomes.factories import record_outcome

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 10).date()


def at(day_offset, hour, minute=0):
    return timezone.make_aware(
        datetime.combine(DUE + timedelta(days=day_offset), time(hour, minute))
    )


@pytest.fixture
def item(community, staff_user, social_worker, library):
    english = UserFactory(display_name="Lily", language="en")
    library.members.add(ResidentFactory(community=community, user=english, name="Lily"))
    library.members.add(ResidentFactory(community=community, name="林阿姨"))
    with time_machine.travel(at(-10, 10), tick=False):
        outcome = record_outcome(community, by=staff_user)
        return services.action_item_add(
            outcome=outcome,
            by=social_worker,
            description="采购书架",
            due_on=DUE,
            owner_organization=library,
        )


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return services.action_items_sweep()


def kinds():
    return list(
        Notification.objects.filter(kind__startswith="outcomes_action")
        .order_by("pk")
        .values_list("kind", "subject", "resident__name", "user__display_name")
    )


def test_three_days_before_the_owner_is_reminded_once_in_their_language(item):
    assert sweep_at(at(-3, 8, 30))["before"] == 0  # before 09:00
    assert sweep_at(at(-3, 9, 5))["before"] == 1
    assert sweep_at(at(-3, 9, 15))["before"] == 0
    with time_machine.travel(at(-3, 9, 20), tick=False):
        assert remind_action_item(item.pk, "before", DUE.isoformat()) == 0
    sent = kinds()
    assert len(sent) == 2  # the organisation's two members
    subjects = {name: subject for _kind, subject, name, _user in sent}
    assert subjects["Lily"] == "Due in 3 days: 采购书架"
    assert subjects["林阿姨"] == "还有 3 天到期：采购书架"


def test_on_the_due_date_then_overdue_staff_are_alerted_once(
    item, staff_user, social_worker
):
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    assert sweep_at(at(0, 9, 1))["due"] == 1
    assert sweep_at(at(0, 18))["due"] == 0
    assert sweep_at(at(1, 8, 30))["overdue"] == 0  # overdue alerts wait for 09:00
    assert sweep_at(at(1, 9, 1))["overdue"] == 1
    assert sweep_at(at(2, 9, 1))["overdue"] == 0
    overdue = Notification.objects.filter(kind="outcomes_action_overdue")
    assert {n.user for n in overdue} == {staff_user, social_worker}
    assert overdue.get(user=staff_user).subject == "Overdue: 采购书架"
    assert overdue.get(user=social_worker).subject == "已逾期：采购书架"
    due = Notification.objects.filter(kind="outcomes_action_reminder")
    assert all("今天到期" in n.subject or "Due today" in n.subject for n in due)


def test_nothing_goes_out_in_quiet_hours_the_sweep_sends_it_after(item):
    # The 3-day reminder fell due at 09:00 on day -3; the worker was down all day.
    assert sweep_at(at(-2, 22)) == {"before": 0, "due": 0, "overdue": 0}
    assert sweep_at(at(-1, 7, 55)) == {"before": 0, "due": 0, "overdue": 0}
    assert not kinds()
    assert sweep_at(at(-1, 8, 5))["before"] == 1  # quiet hours over: sent now
    assert Notification.objects.filter(kind="outcomes_action_reminder").count() == 2


def test_a_done_item_is_not_chased_and_a_moved_date_rearms(item, social_worker):
    sweep_at(at(-3, 9, 5))
    with time_machine.travel(at(-2, 10), tick=False):
        services.action_item_change(
            item=item,
            by=social_worker,
            description=item.description,
            due_on=DUE + timedelta(days=7),
            owner_organization=item.owner_organization,
        )
    assert sweep_at(at(4, 9, 5))["before"] == 1  # three days before the new date
    with time_machine.travel(at(5, 10), tick=False):
        services.action_update_post(
            item=item, by=social_worker, text="书架已装好", status=ActionStatus.DONE
        )
    assert sweep_at(at(7, 9, 5)) == {"before": 0, "due": 0, "overdue": 0}
    assert sweep_at(at(9, 9, 5)) == {"before": 0, "due": 0, "overdue": 0}


def test_a_staff_owner_is_reminded_as_a_user(community, staff_user, social_worker):
    member = UserFactory(display_name="周社工")
    MembershipFactory(user=member, community=community, role=Role.SOCIAL_WORKER)
    with time_machine.travel(at(-10, 10), tick=False):
        outcome = record_outcome(community, by=staff_user)
        services.action_item_add(
            outcome=outcome,
            by=staff_user,
            description="联系消防验收",
            due_on=DUE,
            owner_user=member,
        )
    sweep_at(at(0, 9, 30))
    assert Notification.objects.get(kind="outcomes_action_reminder").user == member
