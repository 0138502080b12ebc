"""Every figure of the hand-made community (see conftest), exactly."""

from datetime import date

import pytest

from reports import metrics
from reports.metrics import Scope
from reports.models import MetricSnapshot
from reports.services import month_bounds, snapshots_make

pytestmark = pytest.mark.django_db


def _period(town, start, end):
    ids = [town.community.pk, town.other.pk]
    return metrics.figures(community_ids=ids, scope=Scope(start=start, end=end))


def test_meeting_one_counts_the_offline_and_the_sms_only_residents(town, frozen):
    f = metrics.meeting_figures(town.meetings[0])
    assert f["residents"] == 5
    # 阿英 (topic, check-in, vote), 伯伯 (topic, check-in and vote by staff),
    # 大东 (support, pledge).
    assert f["participants"] == 3
    assert f["participation"] == 60.0
    assert (f["submitted"], f["endorsed"], f["commented"], f["attended"]) == (
        2,
        1,
        0,
        2,
    )
    assert (f["voted"], f["pledged"]) == (2, 1)
    assert f["reached_offline"] == 1  # 伯伯
    assert f["offline_share"] == 33.3
    # 阿英 opened the agenda and read its notice, 大东 opened the outcome, 小闲
    # read the outcome's notice (not the agenda's).
    assert (f["opened"], f["read"], f["aware"]) == (2, 2, 3)
    assert f["awareness"] == 60.0
    # 伯伯 and 婶婶 got it by SMS: counted apart, and neither read anything.
    assert (f["sms"], f["sms_only"], f["reached"]) == (2, 2, 5)
    assert f["sms_share"] == 40.0
    assert f["reach"] == 100.0
    assert f["topics"]["total"] == 2
    assert f["days_to_decision"] == 9.0  # median of 10 and 8 days
    assert f["days_to_implementation"] == 20.0
    assert f["satisfaction"] == {
        "ratings": 2,
        "average": 4.0,
        "distribution": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1},
    }
    assert f["overdue_action_items"] == 1
    assert f["turnout"]["turnout"] == 50.0
    assert [
        (r["cast"], r["electorate"], r["turnout"]) for r in f["turnout"]["rounds"]
    ] == [(2, 4, 50.0)]


def test_meeting_two_counts_the_resident_active_in_both_meetings(town, frozen):
    f = metrics.meeting_figures(town.meetings[1])
    # 阿英 (T3) and 大东 (comment, online); 小闲 was absent.
    assert (f["participants"], f["participation"]) == (2, 40.0)
    assert (f["submitted"], f["endorsed"], f["commented"], f["attended"]) == (
        1,
        0,
        1,
        1,
    )
    assert f["reached_offline"] == 0
    assert f["offline_share"] == 0.0
    # 大东 read the notice of meeting 2; his password notice does not count.
    assert (f["opened"], f["read"], f["aware"], f["awareness"]) == (0, 1, 1, 20.0)
    assert (f["sms"], f["sms_only"]) == (0, 0)
    assert f["topics"]["total"] == 1
    assert f["days_to_decision"] is None
    assert (f["voted"], f["pledged"]) == (0, 0)
    assert f["satisfaction"]["ratings"] == 0 and f["satisfaction"]["average"] is None
    assert f["overdue_action_items"] == 0
    assert f["turnout"] == {"rounds": [], "cast": 0, "electorate": 0, "turnout": None}


def test_the_month_counts_each_resident_once(town, november, frozen):
    f = _period(town, *november)[town.community.pk]
    assert f["residents"] == 5
    assert (f["participants"], f["participation"]) == (3, 60.0)
    assert (f["submitted"], f["endorsed"], f["commented"], f["attended"]) == (
        2,
        1,
        1,
        3,
    )
    assert (f["voted"], f["pledged"]) == (2, 1)
    assert (f["reached_offline"], f["offline_share"]) == (1, 33.3)
    assert (f["opened"], f["read"], f["aware"], f["awareness"]) == (2, 3, 3, 60.0)
    assert (f["sms"], f["sms_only"], f["reached"], f["reach"]) == (2, 2, 5, 100.0)
    assert (f["satisfaction"]["ratings"], f["satisfaction"]["average"]) == (2, 4.0)
    assert f["days_to_implementation"] == 20.0
    assert f["overdue_action_items"] == 1
    assert f["turnout"]["turnout"] == 50.0
    assert f["topics"] == {
        "total": 3,
        "by_category": {"facilities": 3},
        "by_status": {"decided": 3},
    }
    assert f["days_to_decision"] == 9.0


def test_the_other_community_is_counted_apart(town, november):
    f = _period(town, *november)[town.other.pk]
    assert (f["residents"], f["participants"], f["participation"]) == (1, 1, 100.0)
    assert (f["aware"], f["sms"], f["topics"]["total"]) == (0, 0, 1)


def test_a_month_without_activity_is_zero_not_missing(town, frozen):
    f = _period(town, *month_bounds(date(2026, 10, 1)))[town.community.pk]
    assert (f["residents"], f["participants"], f["participation"]) == (5, 0, 0.0)
    assert f["offline_share"] is None  # nothing to divide by
    assert f["days_to_decision"] is None
    assert f["satisfaction"]["ratings"] == 0 and f["turnout"]["turnout"] is None
    # The bulbs fall due on 20 November: nothing was overdue at October's end.
    assert f["overdue_action_items"] == 0


def test_residents_registered_after_the_month_are_not_counted_in_it(town):
    f = _period(town, *month_bounds(date(2026, 9, 1)))[town.community.pk]
    assert f["residents"] == 0
    assert f["participation"] is None


def test_the_daily_snapshot_holds_the_months_figures(town, november):
    assert snapshots_make(month=date(2026, 11, 1)) == 2
    snapshot = MetricSnapshot.objects.get(community=town.community)
    assert snapshot.month == date(2026, 11, 1)
    assert snapshot.figures == _period(town, *november)[town.community.pk]
    # Run again: replaced, not duplicated.
    snapshots_make(month=date(2026, 11, 15))
    assert MetricSnapshot.objects.filter(community=town.community).count() == 1


def test_every_figure_has_its_definition():
    assert {
        "participation",
        "offline",
        "awareness",
        "sms",
        "satisfaction",
        "topics",
        "times",
        "overdue",
        "turnout",
    } <= set(metrics.DEFINITIONS)
