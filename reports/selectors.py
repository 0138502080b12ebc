"""Reads for the report pages: a community's dashboard, a district's overview."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import IntegerField, Min, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import Meeting, MeetingStatus
from residents.models import Community, District
from topics.models import TopicCategory, TopicStatus

from . import metrics
from .kept import DASHBOARDS, DISTRICT_PAGES, LIVE_FIGURES_SECONDS  # noqa: F401
from .models import MetricSnapshot
from .services import month_bounds, month_start

TREND_MONTHS = 12
RECENT_MEETINGS = 5


def parse_month(text: str | None) -> date:
    """'2026-11' -> 2026-11-01; anything else -> this month."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        chosen = date(year, month, 1)
    except ValueError:
        return month_start(today)
    return min(chosen, month_start(today))


def months_before(month: date, count: int) -> list[date]:
    months = [month]
    for _n in range(count - 1):
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    return months


def _labelled(counts: dict, choices) -> list[tuple[str, int]]:
    return [(label, counts.get(value, 0)) for value, label in choices]


@dataclass
class Trend:
    months: list[date]
    rows: list[dict]
    computed_at: object = None


TREND_KEYS = ("residents", "participants", "aware", "sms")


def _number(key: str):
    """A whole-number figure read out of the snapshot's JSON by the database."""
    return Cast(KT(f"figures__{key}"), IntegerField())


def _trend(snapshots, months) -> Trend:
    """Monthly participation and awareness, summed over the communities (1 query).

    The database adds the figures up, month by month, without sending the JSON.
    """
    rows = (
        snapshots.filter(month__in=months)
        .values("month")
        .annotate(
            **{key: Sum(_number(key)) for key in TREND_KEYS},
            computed=Min("computed_at"),
        )
        .order_by()
    )
    sums = {row["month"]: row for row in rows}
    computed = min((row["computed"] for row in rows), default=None)
    trend_rows = []
    for month in months:
        s = sums.get(month)
        trend_rows.append(
            {
                "month": month,
                "counted": s is not None,
                "participation": s and metrics.ratio(s["participants"], s["residents"]),
                "awareness": s and metrics.ratio(s["aware"], s["residents"]),
                "sms_share": s and metrics.ratio(s["sms"], s["residents"]),
            }
        )
    return Trend(months=months, rows=trend_rows, computed_at=computed)


def _trend_chart(trend: Trend) -> dict:
    return {
        "type": "line",
        "unit": "%",
        "labels": [f"{m:%Y-%m}" for m in trend.months],
        "series": [
            {
                "name": _("Participation"),
                "values": [r["participation"] for r in trend.rows],
            },
            {"name": _("Awareness"), "values": [r["awareness"] for r in trend.rows]},
        ],
    }


def _acts_rows(figures: dict) -> list[tuple[str, int]]:
    return [
        (_("Submitted a topic"), figures["submitted"]),
        (_("Supported a topic"), figures["endorsed"]),
        (_("Commented"), figures["commented"]),
        (_("Attended a meeting"), figures["attended"]),
        (_("Voted"), figures["voted"]),
        (_("Pledged"), figures["pledged"]),
    ]


def _bar_chart(rows, *, name: str, unit: str = "") -> dict:
    return {
        "type": "bar",
        "unit": unit,
        "labels": [str(label) for label, _value in rows],
        "series": [{"name": name, "values": [value for _label, value in rows]}],
    }


@dataclass
class Dashboard:
    community: Community
    month: date
    figures: dict
    counted_at: object
    acts: list
    categories: list
    statuses: list
    trend: Trend
    meetings: list = field(default_factory=list)
    charts: dict = field(default_factory=dict)


def _live_figures(community: Community, month: date) -> tuple[dict, object]:
    key = f"reports:figures:{community.pk}:{month:%Y-%m}"
    cached = cache.get(key)
    if cached is None:
        start, end = month_bounds(month)
        figures = metrics.figures(
            community_ids=[community.pk], scope=metrics.Scope(start=start, end=end)
        )[community.pk]
        cached = (figures, timezone.now())
        cache.set(key, cached, LIVE_FIGURES_SECONDS)
    return cached


def community_dashboard(*, community: Community, month: date) -> Dashboard:
    """This month's figures, live; the months before from the daily snapshots."""
    figures, counted_at = _live_figures(community, month)
    _start, end = month_bounds(month)
    acts = _acts_rows(figures)
    categories = _labelled(figures["topics"]["by_category"], TopicCategory.choices)
    statuses = _labelled(figures["topics"]["by_status"], TopicStatus.choices)
    trend = _trend(
        MetricSnapshot.objects.filter(community=community),
        months_before(month, TREND_MONTHS),
    )
    recent = list(
        Meeting.objects.filter(
            community=community,
            status__in=[
                MeetingStatus.AGENDA_PUBLISHED,
                MeetingStatus.IN_PROGRESS,
                MeetingStatus.CONCLUDED,
            ],
            starts_at__lt=end,
        ).order_by("-starts_at", "-pk")[:RECENT_MEETINGS]
    )
    # Each meeting's own figures are on its page (reports' section there).
    meetings = recent
    return Dashboard(
        community=community,
        month=month,
        figures=figures,
        counted_at=counted_at,
        acts=acts,
        categories=categories,
        statuses=statuses,
        trend=trend,
        meetings=meetings,
        charts={
            "acts": _bar_chart(acts, name=_("Residents")),
            "categories": _bar_chart(categories, name=_("Topics")),
            "satisfaction": _bar_chart(
                [
                    (
                        _("%(n)s stars") % {"n": n},
                        figures["satisfaction"]["distribution"][str(n)],
                    )
                    for n in range(5, 0, -1)
                ],
                name=_("Ratings"),
            ),
            "trend": _trend_chart(trend),
        },
    )


# -- district

SORTS = {
    "name": lambda row: row["community"].name,
    "residents": lambda row: row["figures"].get("residents", 0),
    "participation": lambda row: row["figures"].get("participation") or -1,
    "awareness": lambda row: row["figures"].get("awareness") or -1,
    "sms": lambda row: row["figures"].get("sms_share") or -1,
    "offline": lambda row: row["figures"].get("offline_share") or -1,
    "topics": lambda row: row["figures"].get("topics", {}).get("total", 0),
    "satisfaction": lambda row: row["figures"].get("satisfaction") or -1,
    "overdue": lambda row: row["figures"].get("overdue_action_items") or 0,
}


@dataclass
class DistrictOverview:
    district: District
    month: date
    rows: list
    totals: dict
    trend: Trend
    computed_at: object
    missing: int
    sort: str
    descending: bool
    charts: dict = field(default_factory=dict)
    page: object = None


DISTRICT_PAGE_SIZE = 50
# The figures the district view shows, read out of each snapshot's JSON by the
# database (a district of 1,000 communities sends no JSON documents).
DISTRICT_INTS = ("residents", "participants", "aware", "sms", "overdue_action_items")
DISTRICT_SHARES = ("participation", "awareness", "sms_share", "offline_share")


def _district_columns() -> dict:
    columns = {key: KT(f"figures__{key}") for key in DISTRICT_INTS + DISTRICT_SHARES}
    columns["topics_total"] = KT("figures__topics__total")
    columns["satisfaction_average"] = KT("figures__satisfaction__average")
    return columns


def _as_number(text, kind):
    return None if text in (None, "", "null") else kind(text)


def _district_figures(row: dict) -> dict:
    figures = {key: _as_number(row[key], int) for key in DISTRICT_INTS}
    figures.update({key: _as_number(row[key], float) for key in DISTRICT_SHARES})
    figures["topics"] = {"total": _as_number(row["topics_total"], int) or 0}
    figures["satisfaction"] = _as_number(row["satisfaction_average"], float)
    return figures


CHART_COMMUNITIES = 30  # the chart shows the first of them in the table's order


def district_overview(
    *,
    district: District,
    month: date,
    sort: str = "participation",
    descending=True,
    page=1,
) -> DistrictOverview:
    """Every community of the district for the month, from the snapshots (3 queries).

    Aggregates only: counts and shares, never a person.
    """
    communities = list(
        Community.objects.filter(district=district).only("pk", "name", "slug")
    )
    snapshots = {
        row.pop("community_id"): row
        for row in MetricSnapshot.objects.filter(
            community__district=district, month=month
        ).values("community_id", "computed_at", **_district_columns())
    }
    rows = []
    totals = {"residents": 0, "participants": 0, "aware": 0, "sms": 0, "topics": 0}
    computed_at = None
    for community in communities:
        snapshot = snapshots.get(community.pk)
        figures = _district_figures(snapshot) if snapshot else {}
        rows.append({"community": community, "figures": figures, "snapshot": snapshot})
        if snapshot:
            for key in ("residents", "participants", "aware", "sms"):
                totals[key] += figures.get(key) or 0
            totals["topics"] += figures["topics"]["total"]
            computed_at = (
                snapshot["computed_at"]
                if computed_at is None
                else min(computed_at, snapshot["computed_at"])
            )
    sort = sort if sort in SORTS else "participation"
    rows.sort(key=lambda row: row["community"].name)
    rows.sort(key=SORTS[sort], reverse=descending)
    totals["participation"] = metrics.ratio(totals["participants"], totals["residents"])
    totals["awareness"] = metrics.ratio(totals["aware"], totals["residents"])
    totals["sms_share"] = metrics.ratio(totals["sms"], totals["residents"])
    trend = _trend(
        MetricSnapshot.objects.filter(community__district=district),
        months_before(month, TREND_MONTHS),
    )
    page_obj = Paginator(rows, DISTRICT_PAGE_SIZE).get_page(page)
    return DistrictOverview(
        district=district,
        month=month,
        rows=rows,
        totals=totals,
        trend=trend,
        computed_at=computed_at,
        missing=len(communities) - len(snapshots),
        sort=sort,
        descending=descending,
        page=page_obj,
        charts={
            "participation": _bar_chart(
                [
                    (row["community"].name, row["figures"].get("participation") or 0)
                    for row in rows[:CHART_COMMUNITIES]
                ],
                name=_("Participation"),
                unit="%",
            ),
            "trend": _trend_chart(trend),
        },
    )


def community_history(*, community: Community, month: date) -> Trend:
    """One community's months, for the district view (aggregates only)."""
    return _trend(
        MetricSnapshot.objects.filter(community=community),
        months_before(month, TREND_MONTHS),
    )
