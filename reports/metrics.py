"""The council's figures: participation (参与度), awareness (知晓率), satisfaction (满意度).

Each figure is counted for many communities at once, in a fixed number of queries
whatever the number of communities or residents: one query of (community,
resident) pairs per kind of act, counted with sets; one each for topics by
category and status, decision and implementation times, ratings, overdue action
items and turnout. `DEFINITIONS` is
the text shown beside each figure on the pages and in the README.

A scope is either a period [start, end) or one meeting's cycle:

- period: acts done in the period; the residents registered before its end.
- meeting: acts on the meeting's topics (those submitted into its collection
  period or put on its agenda), attendance at it, its votes and pledges, its
  pages and the notices about it, its minutes and its outcomes; every
  resident of the community.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.models import PRESENT_STATUSES, Attendance, Meeting
from notifications.models import Channel, Delivery, DeliveryStatus, Notification
from outcomes.models import (
    ActionItem,
    Minutes,
    Outcome,
    Pledge,
    SatisfactionRating,
)
from residents.models import Resident
from topics.models import Comment, Endorsement, Topic, TopicEvent, TopicEventKind
from voting.models import BallotReceipt, CastVia, RoundStatus, VotingRound

from .models import PageOpen

# Notices about the council's published work (agenda, reminders, minutes, outcomes):
# reading one of these, or receiving it by SMS, counts towards awareness.
AWARENESS_EVENT_PREFIXES = ("meeting:", "minutes:", "outcome:")
SMS_RECEIVED = (DeliveryStatus.SENT, DeliveryStatus.DIGESTED)
NO_FLAG = Value(False, output_field=BooleanField())

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
    "overdue": _(
        "Overdue action items: those whose due date had passed by the end of the "
        "period and that were not done by then (done later, or not yet); for this "
        "month and for a meeting, as of now. An item done late counts in each "
        "month it was overdue, not after it was done."
    ),
    "turnout": _(
        "Turnout of a vote: ballots cast divided by the people entitled to vote."
    ),
}


@dataclass(frozen=True)
class Scope:
    start: datetime | None = None
    end: datetime | None = None
    meeting: Meeting | None = None
    # The meeting's topics, read once (a literal list keeps each query cheap).
    topic_ids: tuple[int, ...] = ()
    # The event keys of the notices about the meeting, its minutes and outcomes.
    event_prefixes: tuple[str, ...] = ()

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> "Scope":
        ids = Topic.objects.filter(_meeting_topics(meeting)).values_list(
            "pk", flat=True
        )
        prefixes = [f"meeting:{meeting.pk}:"]
        prefixes += [
            f"minutes:{pk}:"
            for pk in Minutes.objects.filter(meeting=meeting).values_list(
                "pk", flat=True
            )
        ]
        prefixes += [
            f"outcome:{pk}:"
            for pk in Outcome.objects.filter(meeting=meeting).values_list(
                "pk", flat=True
            )
        ]
        return cls(
            meeting=meeting,
            topic_ids=tuple(sorted(set(ids))),
            event_prefixes=tuple(prefixes),
        )

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


# -- acts: each a query of (community, resident, on behalf?) rows, one per act
# kind, filtered on the residents' community (an index) and the scope. The people
# are then counted with sets, so "each counted once" and "SMS only" are exact.


def _submitted(ids, scope):
    return (
        Topic.objects.filter(
            submitter__community_id__in=ids, **scope.when("created_at")
        )
        .filter(_in_meeting_topics(scope, "pk"))
        .values_list("submitter__community_id", "submitter_id", "recorded_by_id")
    )


def _endorsed(ids, scope):
    return (
        Endorsement.objects.filter(
            resident__community_id__in=ids, **scope.when("created_at")
        )
        .filter(_in_meeting_topics(scope, "topic_id"))
        .values_list("resident__community_id", "resident_id", NO_FLAG)
    )


def _commented(ids, scope):
    return (
        Comment.objects.filter(
            author_resident__community_id__in=ids, **scope.when("created_at")
        )
        .filter(_in_meeting_topics(scope, "topic_id"))
        .values_list("author_resident__community_id", "author_resident_id", NO_FLAG)
    )


def _attended(ids, scope):
    qs = Attendance.objects.filter(
        resident__community_id__in=ids, status__in=PRESENT_STATUSES
    )
    if scope.meeting is not None:
        qs = qs.filter(meeting=scope.meeting)
    else:
        qs = qs.filter(**scope.when("meeting__starts_at"))
    return qs.values_list("resident__community_id", "resident_id", "on_behalf")


BY_PROXY = ExpressionWrapper(
    Q(via=CastVia.PROXY) | Q(proxy__isnull=False), output_field=BooleanField()
)


def _voted(ids, scope):
    qs = BallotReceipt.objects.filter(voter__community_id__in=ids)
    if scope.meeting is not None:
        qs = qs.filter(voting_round__meeting=scope.meeting)
    else:
        qs = qs.filter(**scope.when("cast_at"))
    return qs.values_list("voter__community_id", "voter_id", BY_PROXY)


def _pledged(ids, scope):
    qs = Pledge.objects.filter(resident__community_id__in=ids)
    if scope.meeting is not None:
        qs = qs.filter(need__outcome__meeting=scope.meeting)
    else:
        qs = qs.filter(**scope.when("pledged_at"))
    return qs.values_list("resident__community_id", "resident_id", "on_behalf")


# act -> query; a row whose third value is set was recorded by staff for them.
PARTICIPATION_ACTS = {
    "submitted": _submitted,
    "endorsed": _endorsed,
    "commented": _commented,
    "attended": _attended,
    "voted": _voted,
    "pledged": _pledged,
}


def _opened(ids, scope):
    qs = PageOpen.objects.filter(community_id__in=ids, **scope.when("opened_at"))
    if scope.meeting is not None:
        qs = qs.filter(meeting=scope.meeting)
    return qs.values_list("community_id", "resident_id", NO_FLAG)


def _notice_keys(scope, field: str) -> Q:
    if scope.meeting is not None:
        keys = scope.event_prefixes
    else:
        keys = AWARENESS_EVENT_PREFIXES
    condition = Q()
    for key in keys:
        condition |= Q(**{f"{field}__startswith": key})
    return condition


def _read(ids, scope):
    return (
        Notification.objects.filter(
            resident__community_id__in=ids,
            read_at__isnull=False,
            **scope.when("read_at"),
        )
        .filter(_notice_keys(scope, "event_key"))
        .values_list("resident__community_id", "resident_id", NO_FLAG)
    )


def _sms(ids, scope):
    return (
        Delivery.objects.filter(
            notification__resident__community_id__in=ids,
            channel=Channel.SMS,
            status__in=SMS_RECEIVED,
            **scope.when("sent_at"),
        )
        .filter(_notice_keys(scope, "notification__event_key"))
        .values_list(
            "notification__resident__community_id",
            "notification__resident_id",
            NO_FLAG,
        )
    )


AWARENESS_ACTS = {"opened": _opened, "read": _read}


def _people(query) -> tuple[dict[int, set], dict[int, set]]:
    """Residents per community, and those of them recorded on their behalf."""
    everyone, on_behalf = defaultdict(set), defaultdict(set)
    for community_id, resident_id, by_staff in query.distinct():
        everyone[community_id].add(resident_id)
        if by_staff:
            on_behalf[community_id].add(resident_id)
    return everyone, on_behalf


def people_counts(*, community_ids, scope: Scope) -> dict[int, dict]:
    """Count residents per community: all, and those who did each kind of act.

    One query for the residents and one per kind of act, whatever the number of
    communities.
    """
    ids = list(community_ids)
    residents = Resident.objects.filter(community_id__in=ids)
    if scope.meeting is None:
        residents = residents.filter(created_at__lt=scope.end)
    totals = dict(
        residents.values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
        .order_by()
    )
    acts = {name: _people(act(ids, scope)) for name, act in PARTICIPATION_ACTS.items()}
    aware = {name: _people(act(ids, scope))[0] for name, act in AWARENESS_ACTS.items()}
    sms = _people(_sms(ids, scope))[0]
    result = {}
    for pk in ids:
        participants = set().union(*(everyone[pk] for everyone, _ in acts.values()))
        offline = set().union(*(by_staff[pk] for _, by_staff in acts.values()))
        knew = set().union(*(people[pk] for people in aware.values()))
        texted = sms[pk]
        result[pk] = {
            "residents": totals.get(pk, 0),
            "participants": len(participants),
            "reached_offline": len(offline),
            "aware": len(knew),
            "sms": len(texted),
            "sms_only": len(texted - knew),
            "reached": len(knew | texted),
            **{name: len(everyone[pk]) for name, (everyone, _) in acts.items()},
            **{name: len(people[pk]) for name, people in aware.items()},
        }
    return result


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


def satisfaction(*, community_ids, scope: Scope) -> dict[int, dict]:
    """Ratings of outcomes: how many, their average and their spread (one query)."""
    ratings = SatisfactionRating.objects.filter(outcome__community_id__in=community_ids)
    if scope.meeting is not None:
        ratings = ratings.filter(outcome__meeting=scope.meeting)
    else:
        ratings = ratings.filter(**scope.when("created_at"))
    result = {
        pk: {
            "ratings": 0,
            "average": None,
            "distribution": {str(n): 0 for n in range(1, 6)},
        }
        for pk in community_ids
    }
    rows = (
        ratings.values_list("outcome__community_id", "score")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals = defaultdict(int)
    for community_id, score, n in rows:
        figures = result[community_id]
        figures["ratings"] += n
        figures["distribution"][str(score)] += n
        totals[community_id] += score * n
    for pk, figures in result.items():
        if figures["ratings"]:
            figures["average"] = round(totals[pk] / figures["ratings"], 2)
    return result


def implementation_days(*, community_ids, scope: Scope) -> dict[int, float | None]:
    """Median days from a topic's submission to its outcome being done (one query)."""
    outcomes = Outcome.objects.filter(
        community_id__in=community_ids,
        implemented_at__isnull=False,
        topic__isnull=False,
    )
    if scope.meeting is not None:
        outcomes = outcomes.filter(meeting=scope.meeting)
    else:
        outcomes = outcomes.filter(**scope.when("implemented_at"))
    spans = defaultdict(list)
    for community_id, done, submitted in outcomes.values_list(
        "community_id", "implemented_at", "topic__created_at"
    ):
        spans[community_id].append(_days(done, submitted))
    return {pk: _median(spans.get(pk)) for pk in community_ids}


def overdue_moment(scope: Scope) -> datetime:
    """When overdue items are counted: the period's end; now, while it lasts.

    For a meeting, now.
    """
    now = timezone.now()
    if scope.meeting is not None or scope.end is None:
        return now
    return min(scope.end, now)


def overdue_items(*, community_ids, scope: Scope) -> dict[int, int]:
    """Action items overdue at the end of the scope (one query).

    Due before that day and not done by then (done later, or not yet): an item
    done late counts in each month it was overdue, and not after it was done.
    """
    items = ActionItem.objects.filter(community_id__in=community_ids).overdue_at(
        overdue_moment(scope)
    )
    if scope.meeting is not None:
        items = items.filter(outcome__meeting=scope.meeting)
    counts = dict(
        items.values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
        .order_by()
    )
    return {pk: counts.get(pk, 0) for pk in community_ids}


def turnout(*, community_ids, scope: Scope) -> dict[int, dict]:
    """Ballots cast over voters, per round and in all (one query)."""
    rounds = VotingRound.objects.filter(community_id__in=community_ids).exclude(
        status=RoundStatus.DRAFT
    )
    if scope.meeting is not None:
        rounds = rounds.filter(meeting=scope.meeting)
    else:
        rounds = rounds.filter(**scope.when("closes_at"))
    result = {pk: {"rounds": [], "cast": 0, "electorate": 0} for pk in community_ids}
    for row in (
        rounds.annotate(cast=Count("receipts"))
        .values("community_id", "pk", "question", "electorate_size", "cast")
        .order_by("closes_at", "pk")
    ):
        figures = result[row["community_id"]]
        figures["cast"] += row["cast"]
        figures["electorate"] += row["electorate_size"]
        figures["rounds"].append(
            {
                "question": row["question"],
                "cast": row["cast"],
                "electorate": row["electorate_size"],
                "turnout": ratio(row["cast"], row["electorate_size"]),
            }
        )
    for figures in result.values():
        figures["turnout"] = ratio(figures["cast"], figures["electorate"])
    return result


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
    implementations = implementation_days(community_ids=community_ids, scope=scope)
    ratings = satisfaction(community_ids=community_ids, scope=scope)
    overdue = overdue_items(community_ids=community_ids, scope=scope)
    votes = turnout(community_ids=community_ids, scope=scope)
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
            "days_to_implementation": implementations[pk],
            "satisfaction": ratings[pk],
            "overdue_action_items": overdue[pk],
            "turnout": votes[pk],
        }
    return result


def meeting_figures(meeting: Meeting) -> dict:
    scope = Scope.for_meeting(meeting)
    return figures(community_ids=[meeting.community_id], scope=scope)[
        meeting.community_id
    ]
