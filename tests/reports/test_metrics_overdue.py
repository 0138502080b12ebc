"""Overdue action items per month: counted at the end of each month, exactly.

One outcome with five action items, recorded on 1 September 2026 (Asia/Shanghai):

  never     due 15 Sep, never done            overdue from 16 Sep on
  late      due 20 Oct, done on 10 Dec        overdue in Oct and Nov, not in Dec
  on_time   due 12 Nov, done on its due day   never overdue
  month_end due 30 Nov, never done            overdue from 1 Dec 00:00, so at
                                              the end of November already
  january   due 20 Jan 2027, not done         not yet due on 15 Jan 2027

Each item is marked done through the outcomes service, with the clock moved to
the day it was done.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from outcomes import services
from outcomes.models import ActionItem, ActionStatus
from reports import metrics
from reports.models import MetricSnapshot
from reports.services import month_bounds, snapshots_make
from tests.outcomes.factories import record_outcome

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]


def at(year, month, day, hour=12, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def _done(item, by, moment):
    with time_machine.travel(moment, tick=False):
        services.action_update_post(
            item=item, by=by, text="已完成", status=ActionStatus.DONE
        )


@pytest.fixture
def items(community, staff_user):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        outcome = record_outcome(community, by=staff_user)

        def add(description, due_on):
            return services.action_item_add(
                outcome=outcome,
                by=staff_user,
                description=description,
                due_on=due_on,
                owner_user=staff_user,
            )

        made = {
            "never": add("修好三号楼路灯", date(2026, 9, 15)),
            "late": add("清理四楼", date(2026, 10, 20)),
            "on_time": add("安装书架", date(2026, 11, 12)),
            "month_end": add("布置图书角", date(2026, 11, 30)),
            "january": add("周六志愿者值班", date(2027, 1, 20)),
        }
    _done(made["on_time"], staff_user, at(2026, 11, 12, 18))
    _done(made["late"], staff_user, at(2026, 12, 10, 9))
    return made


def _overdue(community, month):
    scope = metrics.Scope(*month_bounds(month))
    return metrics.overdue_items(community_ids=[community.pk], scope=scope)[
        community.pk
    ]


def test_marking_done_late_records_the_day_it_was_done(items):
    late = ActionItem.objects.get(pk=items["late"].pk)
    assert late.status == ActionStatus.DONE
    assert late.done_at == at(2026, 12, 10, 9)


@time_machine.travel(at(2027, 1, 15), tick=False)
def test_each_past_month_counts_the_items_overdue_at_its_end(community, items):
    # Sep: never. Oct: never, late. Nov: never, late, month_end. Dec: never,
    # month_end (late was done on 10 Dec).
    assert [_overdue(community, month) for month in MONTHS] == [1, 2, 3, 2]


@time_machine.travel(at(2027, 1, 15), tick=False)
def test_an_item_done_late_counts_while_it_was_overdue_and_not_after(community, items):
    ActionItem.objects.exclude(pk=items["late"].pk).delete()
    assert [_overdue(community, month) for month in MONTHS] == [0, 1, 1, 0]
    assert _overdue(community, date(2027, 1, 1)) == 0


@time_machine.travel(at(2027, 1, 15), tick=False)
def test_an_item_due_next_month_is_not_counted(community, items):
    # on_time and month_end fall due in November: nothing of them in October.
    ActionItem.objects.filter(pk__in=[items["never"].pk, items["late"].pk]).delete()
    assert _overdue(community, date(2026, 10, 1)) == 0
    # On time: never overdue. Due on the month's last day and not done: overdue
    # once that day is over, so at the end of November.
    assert _overdue(community, date(2026, 11, 1)) == 1


@time_machine.travel(at(2027, 1, 15), tick=False)
def test_an_item_never_done_counts_in_every_month_since_its_due_date(community, items):
    ActionItem.objects.exclude(pk=items["never"].pk).delete()
    assert _overdue(community, date(2026, 8, 1)) == 0
    assert [_overdue(community, month) for month in MONTHS] == [1, 1, 1, 1]
    assert _overdue(community, date(2027, 1, 1)) == 1


def test_this_month_is_counted_as_of_now(community, items):
    december = date(2026, 12, 1)
    with time_machine.travel(at(2026, 12, 5), tick=False):
        # late is overdue and not done yet: counted this month, so far.
        assert _overdue(community, december) == 3
    with time_machine.travel(at(2026, 12, 11), tick=False):
        assert _overdue(community, december) == 2
    with time_machine.travel(at(2027, 1, 20, 8), tick=False):
        # january is due today: overdue only once the day is over.
        assert _overdue(community, date(2027, 1, 1)) == 2
    with time_machine.travel(at(2027, 1, 21, 0, 1), tick=False):
        assert _overdue(community, date(2027, 1, 1)) == 3


def test_the_snapshots_of_past_months_keep_their_own_counts(community, items):
    with time_machine.travel(at(2027, 1, 15), tick=False):
        for month in MONTHS:
            snapshots_make(month=month, community_ids=[community.pk])
    stored = dict(
        MetricSnapshot.objects.filter(community=community).values_list(
            "month", "figures__overdue_action_items"
        )
    )
    assert [stored[month] for month in MONTHS] == [1, 2, 3, 2]


def test_the_nightly_run_on_the_first_of_the_month_closes_the_month_before(
    community, items
):
    # 02:30 on 1 December: November as it ended, December so far (from midnight
    # on, month_end is overdue too; late not done yet).
    with time_machine.travel(at(2026, 12, 1, 2, 30), tick=False):
        snapshots_make(community_ids=[community.pk])
    stored = dict(
        MetricSnapshot.objects.filter(community=community).values_list(
            "month", "figures__overdue_action_items"
        )
    )
    assert stored == {date(2026, 11, 1): 3, date(2026, 12, 1): 3}


@time_machine.travel(at(2027, 1, 15), tick=False)
def test_a_meetings_figure_counts_its_items_overdue_now(community, items):
    meeting = ActionItem.objects.get(pk=items["never"].pk).outcome.meeting
    assert metrics.meeting_figures(meeting)["overdue_action_items"] == 2
