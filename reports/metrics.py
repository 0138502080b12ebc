"""The council's figures: participation (参与度), awareness (知晓率), satisfaction (满意度).

Each figure is counted by the database over residents, grouped by community, in a
fixed number of queries whatever the number of communities or residents: one
query for every count of people (each act is an EXISTS over the resident row), one
for topics by category and status, one for the decision times. `DEFINITIONS` is
the text shown beside each figure on the pages and in the README.

A scope is either a period [start, end) or one meeting's cycle:

- period: acts done in the period; the residents registered before its end.
- meeting: acts on the meeting's topics (those submitted into its collection
  period or put on its agenda), attendance at it, its pages and notices; every
  resident of the community.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from council.models import PRESENT_STATUSES, Attendance, Meeting
from notifications.models import Channel, Delivery, DeliveryStatus, Notification
from residents.models import Resident
from topics.models import Comment, Endorsement, Topic, TopicEvent, TopicEventKind

from .models import PageOpen

# Notices about the council's published work (agenda, reminders, minutes, outcomes):
# reading one of these, or receiving it by SMS, counts towards awareness.
AWARENESS_EVENT_PREFIXES = ("meeting:", "minutes:", "outcome:")
SMS_RECEIVED = (DeliveryStatus.SENT, DeliveryStatus.DIGESTED)

DEFINITIONS = {
    "participation": _(
        "Participation (参与度): residents who, in this period or for this "
        "meeting, submitted a topic, supported or commented on one, voted, pledged "
        "or attended (in person, online, or recorded by staff on their behalf), "
        "each counted once, divided by the community's residents."
    ),
    "offline": _(
        "Reached offline: of those residents, the ones with at least one act that "
        "staff recorded on their behalf (a topic, a check-in, a vote or a pledge)."
    ),
    "awareness": _(
        "Awareness (知晓率): residents who opened the published agenda, the "
        "minutes or an outcome, or read its notice in their inbox, each counted "
        "once, divided by the residents. A text message (SMS) is counted apart, "
        "since delivery is not reading."
    ),
    "sms": _(
        "Received by SMS: residents to whom such a notice was delivered by text "
        "message; 'SMS only' are those of them who did not open or read anything."
    ),
    "satisfaction": _(
        "Satisfaction (满意度): the average of residents' ratings (1 to 5) of "
        "outcomes, with how many ratings there are and how they spread."
    ),
    "topics": _("Topics: submitted in the period, by category and by status."),
    "times": _(
        "Days from submission to decision: the median over topics decided in the "
        "period, from the day the topic was submitted to the day it was decided; "
        "to implementation likewise, to the day its outcome was marked done."
    ),
    "overdue": _("Overdue action items: not done and past their due date, today."),
    "turnout": _(
        "Turnout of a vote: ballots cast divided by the people entitled to vote."
    ),
}


@dataclass(frozen=True)
class Scope:
    start: datetime | None = None
    end: datetime | None = None
    meeting: Meeting | None = None
    # The meeting's topics, read once (a literal list keeps each EXISTS cheap).
    topic_ids: tuple[int, ...] = ()

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> "Scope":
        ids = Topic.objects.filter(_meeting_topics(meeting)).values_list(
            "pk", flat=True
        )
        return cls(meeting=meeting, topic_ids=tuple(sorted(set(ids))))

    def when(self, field: str) -> dict:
        """The filter keeping rows whose `field` lies in the period."""
        if self.meeting is not None:
            return {}
        return {f"{field}__gte": self.start, f"{field}__lt": self.end}


def _meeting_topics(meeting: Meeting) -> Q:
    condition = Q(agenda_items__meeting=meeting)
    if meeting.window_id:
        condition |= Q(window_id=meeting.window_id)
    return condition


def _in_meeting_topics(scope: Scope, field: str) -> Q:
    """Keep rows whose `field` is one of the meeting's topics (all, for a period)."""
    if scope.meeting is None:
        return Q()
    return Q(**{f"{field}__in": scope.topic_ids})


# -- acts of participation: name -> (scope) -> queryset over OuterRef("pk") resident


def _submitted(scope):
    qs = Topic.objects.filter(submitter=OuterRef("pk"), **scope.when("created_at"))
    return qs.filter(_in_meeting_topics(scope, "pk"))


def _endorsed(scope):
    qs = Endorsement.objects.filter(resident=OuterRef("pk"), **scope.when("created_at"))
    return qs.filter(_in_meeting_topics(scope, "topic_id"))


def _commented(scope):
    qs = Comment.objects.filter(
        author_resident=OuterRef("pk"), **scope.when("created_at")
    )
    return qs.filter(_in_meeting_topics(scope, "topic_id"))


def _attended(scope, *, on_behalf=None):
    qs = Attendance.objects.filter(resident=OuterRef("pk"), status__in=PRESENT_STATUSES)
    if scope.meeting is not None:
        qs = qs.filter(meeting=scope.meeting)
    else:
        qs = qs.filter(**scope.when("meeting__starts_at"))
    if on_behalf is not None:
        qs = qs.filter(on_behalf=on_behalf)
    return qs


def _submitted_on_behalf(scope):
    return _submitted(scope).filter(recorded_by__isnull=False)


PARTICIPATION_ACTS = {
    "submitted": _submitted,
    "endorsed": _endorsed,
    "commented": _commented,
    "attended": _attended,
}
ON_BEHALF_ACTS = {
    "submitted_on_behalf": _submitted_on_behalf,
    "attended_on_behalf": lambda scope: _attended(scope, on_behalf=True),
}


# -- acts of awareness


def _opened(scope):
    qs = PageOpen.objects.filter(resident=OuterRef("pk"), **scope.when("opened_at"))
    if scope.meeting is not None:
        qs = qs.filter(meeting=scope.meeting)
    return qs


def _notice_keys(scope, field: str) -> Q:
    if scope.meeting is not None:
        keys = meeting_event_prefixes(scope.meeting)
    else:
        keys = AWARENESS_EVENT_PREFIXES
    condition = Q()
    for key in keys:
        condition |= Q(**{f"{field}__startswith": key})
    return condition


def meeting_event_prefixes(meeting: Meeting) -> tuple[str, ...]:
    """The event keys of notices about this meeting's agenda, minutes and outcomes."""
    return (f"meeting:{meeting.pk}:",)


def _read(scope):
    return Notification.objects.filter(
        resident=OuterRef("pk"),
        read_at__isnull=False,
        **scope.when("read_at"),
    ).filter(_notice_keys(scope, "event_key"))


def _sms(scope):
    return Delivery.objects.filter(
        notification__resident=OuterRef("pk"),
        channel=Channel.SMS,
        status__in=SMS_RECEIVED,
        **scope.when("sent_at"),
    ).filter(_notice_keys(scope, "notification__event_key"))


AWARENESS_ACTS = {"opened": _opened, "read": _read}


def _any(acts: dict, scope) -> Q:
    condition = Q()
    for act in acts.values():
        condition |= Q(Exists(act(scope)))
    return condition


def people_counts(*, community_ids, scope: Scope) -> dict[int, dict]:
    """Count residents per community: all, and those who did each kind of act.

    One query, grouped by community.
    """
    residents = Resident.objects.filter(community_id__in=community_ids)
    if scope.meeting is None:
        residents = residents.filter(created_at__lt=scope.end)
    counts = {
        "residents": Count("pk"),
        "participants": Count("pk", filter=_any(PARTICIPATION_ACTS, scope)),
        "reached_offline": Count("pk", filter=_any(ON_BEHALF_ACTS, scope)),
        "aware": Count("pk", filter=_any(AWARENESS_ACTS, scope)),
        "sms": Count("pk", filter=Q(Exists(_sms(scope)))),
        "sms_only": Count(
            "pk", filter=Q(Exists(_sms(scope))) & ~_any(AWARENESS_ACTS, scope)
        ),
        "reached": Count(
            "pk", filter=_any(AWARENESS_ACTS, scope) | Q(Exists(_sms(scope)))
        ),
    }
    for name, act in {**PARTICIPATION_ACTS, **AWARENESS_ACTS}.items():
        counts[name] = Count("pk", filter=Q(Exists(act(scope))))
    rows = residents.values("community_id").annotate(**counts).order_by()
    found = {row.pop("community_id"): row for row in rows}
    empty = dict.fromkeys(counts, 0)
    return {pk: found.get(pk, dict(empty)) for pk in community_ids}


def topic_counts(*, community_ids, scope: Scope) -> dict[int, dict]:
    """Topics per community, by category and by status (one query)."""
    topics = Topic.objects.filter(community_id__in=community_ids)
    if scope.meeting is not None:
        topics = topics.filter(pk__in=scope.topic_ids)
    else:
        topics = topics.filter(**scope.when("created_at"))
    result = {
        pk: {"total": 0, "by_category": {}, "by_status": {}} for pk in community_ids
    }
    rows = (
        topics.values("community_id", "category", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        figures = result[row["community_id"]]
        figures["total"] += row["n"]
        by_category = figures["by_category"]
        by_category[row["category"]] = by_category.get(row["category"], 0) + row["n"]
        by_status = figures["by_status"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    return result


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 86400


def decision_days(*, community_ids, scope: Scope) -> dict[int, float | None]:
    """Median days from submission to decision, per community (one query)."""
    events = TopicEvent.objects.filter(
        topic__community_id__in=community_ids, kind=TopicEventKind.DECIDED
    )
    if scope.meeting is not None:
        events = events.filter(_in_meeting_topics(scope, "topic_id"))
    else:
        events = events.filter(**scope.when("created_at"))
    spans = defaultdict(list)
    for community_id, decided, submitted in events.values_list(
        "topic__community_id", "created_at", "topic__created_at"
    ):
        spans[community_id].append(_days(decided, submitted))
    return {pk: _median(spans.get(pk)) for pk in community_ids}


def _median(values) -> float | None:
    return round(median(values), 1) if values else None


def ratio(part: int, whole: int) -> float | None:
    """A share in per cent, one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(part * 100 / whole, 1)


def figures(*, community_ids, scope: Scope) -> dict[int, dict]:
    """Every figure for each community, as plain data (kept in snapshots as JSON)."""
    community_ids = list(community_ids)
    people = people_counts(community_ids=community_ids, scope=scope)
    topics = topic_counts(community_ids=community_ids, scope=scope)
    decisions = decision_days(community_ids=community_ids, scope=scope)
    result = {}
    for pk in community_ids:
        p = people[pk]
        result[pk] = {
            **p,
            "participation": ratio(p["participants"], p["residents"]),
            "offline_share": ratio(p["reached_offline"], p["participants"]),
            "awareness": ratio(p["aware"], p["residents"]),
            "sms_share": ratio(p["sms"], p["residents"]),
            "reach": ratio(p["reached"], p["residents"]),
            "topics": topics[pk],
            "days_to_decision": decisions[pk],
        }
    return result


def meeting_figures(meeting: Meeting) -> dict:
    scope = Scope.for_meeting(meeting)
    return figures(community_ids=[meeting.community_id], scope=scope)[
        meeting.community_id
    ]
