"""Reads for outcome pages and minutes, each in a fixed number of queries."""

from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Count, FilteredRelation, Q, prefetch_related_objects

from core.fragments import SharedFragments
from core.prepared import PreparedQuery
from council.models import AgendaItem, Meeting
from residents.models import Community, Resident
from topics.models import TopicCategory
from topics.selectors import consultation_summary
from voting.models import RoundStatus, VotingRound
from voting.selectors import ordered_options

from .models import (
    ActionItem,
    ActionUpdate,
    Minutes,
    MinutesConfirmation,
    MinutesVersion,
    Outcome,
    OutcomeStatus,
    Pledge,
    PledgeNeed,
    PledgeStatus,
    SatisfactionRating,
)

PAGE_SIZE = 20
UPDATES_SHOWN = 5
PLEDGES_SHOWN = 10
COMMENTS_SHOWN = 10


# The home page's outcomes section and the outcomes list's first pages are the
# same for everyone who sees the community alike, so they are kept rendered per
# community until an outcome is recorded, edited, rated or moves between its
# states (outcome_record, outcome_update, rating_submit and the recount after an
# action item changes say so). A meeting, agenda item or organisation renamed
# afterwards shows within the timeout: the apps below do not know the list.
COMMUNITY_OUTCOMES = SharedFragments("community-outcomes", timeout=10 * 60)

# An outcome's page tells the same story to everyone who sees it alike (language,
# roles, whether they have a resident record), so it is kept rendered per outcome
# until a service changes what it shows: the outcome edited, its action items and
# their updates, its needs and pledges, its ratings, its meeting's minutes
# published (OUTCOME_PAGES.changed(outcome id)). What the apps below show on it
# (the topic, the meeting, who is responsible) is part of the variant; a person
# or organisation renamed elsewhere shows within the timeout.
OUTCOME_PAGES = SharedFragments("outcome-page", timeout=10 * 60)


class ItemOwners(NamedTuple):
    """Who owns an action item, kept with the page: who may post progress on it."""

    pk: int
    owner_user_id: int | None
    owner_resident_id: int | None
    owner_organization_id: int | None
    # The resident ids of the owner organisation's members, read with the page
    # (item_owners): kept as long as the community's organisations do not change.
    organization_members: frozenset[int] = frozenset()


def item_owners(items) -> list[ItemOwners]:
    """Who owns each action item, the members of owner organisations included
    (one query, when an organisation owns any)."""
    from residents.models import Organization

    items = list(items)
    members: dict[int, set[int]] = {}
    org_ids = {item.owner_organization_id for item in items} - {None}
    if org_ids:
        for org_id, resident_id in Organization.members.through.objects.filter(
            organization_id__in=org_ids
        ).values_list("organization_id", "resident_id"):
            members.setdefault(org_id, set()).add(resident_id)
    return [
        ItemOwners(
            item.pk,
            item.owner_user_id,
            item.owner_resident_id,
            item.owner_organization_id,
            frozenset(members.get(item.owner_organization_id, ())),
        )
        for item in items
    ]


def outcome_list(*, community: Community, status: str = "", category: str = "", page=1):
    """A page of the community's outcomes, newest decision first (stored counters)."""
    outcomes = Outcome.objects.filter(community=community).select_related(
        "community", "agenda_item", "meeting", "topic", "responsible_organization"
    )
    if status in OutcomeStatus.values:
        outcomes = outcomes.filter(status=status)
    if category in TopicCategory.values:
        outcomes = outcomes.filter(topic__category=category)
    return Paginator(outcomes.order_by("-decided_at", "-pk"), PAGE_SIZE).get_page(page)


def status_counts(*, community: Community) -> dict[str, int]:
    rows = (
        Outcome.objects.filter(community=community)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(OutcomeStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts["all"] = sum(counts[s] for s in OutcomeStatus.values)
    return counts


def _outcome_with_what_it_shows(community_id: int, pk: int, resident_id: int):
    return (
        Outcome.objects.filter(community_id=community_id, pk=pk)
        .annotate(
            reader_rating=FilteredRelation(
                "ratings", condition=Q(ratings__resident_id=resident_id)
            )
        )
        .select_related(
            "agenda_item",
            "meeting",
            "topic",
            "responsible_organization",
            "responsible_resident",
            "reader_rating",
        )
        .order_by()
    )


# Each outcome page reads it: its SQL is built once.
_outcome_query = PreparedQuery(
    _outcome_with_what_it_shows,
    samples=(-2_147_483_021, -2_147_483_022, -2_147_483_023),
)


def outcome_for_community(
    *, community: Community, pk: int, reader: Resident | None = None
) -> Outcome | None:
    """The outcome with what its page shows of the apps below, and `reader`'s
    rating of it (rating_of then asks no query), in one query.

    Without the community (the page has it) nor an order (one row at most): the
    joins cost more to build than the kept page to serve, so its SQL is built
    once (core.prepared).
    """
    found = _outcome_query(community.pk, int(pk), reader.pk if reader else 0)
    if not found:
        return None
    outcome = found[0]
    outcome.community = community
    if reader is not None:
        outcome._rated_by = (reader.pk, getattr(outcome, "reader_rating", None))
    return outcome


def _latest_per(queryset, parent_field: str, parents, *, order, limit) -> dict:
    """The latest `limit` rows of `queryset` for each parent, in one query.

    One LIMIT subquery per parent (an outcome has a handful of action items and
    needs), each read from the (parent, time) index, so thousands of updates cost
    no more than ten.
    """
    if not parents:
        return {}
    condition = Q()
    for parent in parents:
        latest = (
            queryset.filter(**{parent_field: parent.pk})
            .order_by(*order)
            .values("pk")[:limit]
        )
        condition |= Q(pk__in=latest)
    grouped: dict[int, list] = {}
    for row in queryset.filter(condition).order_by(*order):
        grouped.setdefault(getattr(row, f"{parent_field}_id"), []).append(row)
    return grouped


def meeting_minutes(*, meeting_id: int, fields=("pk", "status")) -> Minutes | None:
    """A meeting's minutes (one at most), with only `fields`.

    Without an order: the model's default one joins the meeting for its date.
    """
    found = Minutes.objects.filter(meeting_id=meeting_id).only(*fields).order_by()[:1]
    return found[0] if found else None


def outcome_story(*, outcome: Outcome) -> dict:
    """Everything the outcome page tells, in a fixed number of queries.

    Per action item the latest updates, per need the latest pledges; counts for
    the rest, so a page with thousands of updates or pledges costs the same.
    The same for every reader: what is the reader's own is read by rating_of().
    """
    voting_round = None
    if outcome.voting_round_id:
        voting_round = (
            VotingRound.objects.filter(pk=outcome.voting_round_id)
            .select_related("result")
            .prefetch_related(ordered_options())
            .first()
        )
        if voting_round is not None:
            voting_round.community = outcome.community
    items = list(
        ActionItem.objects.filter(outcome=outcome)
        .select_related("owner_resident", "owner_user", "owner_organization")
        .order_by("position", "pk")
    )
    recent = _latest_per(
        ActionUpdate.objects.select_related("author"),
        "action_item",
        items,
        order=("-created_at", "-pk"),
        limit=UPDATES_SHOWN,
    )
    updates = [update for group in recent.values() for update in group]
    prefetch_related_objects(updates, "photos")
    for item in items:
        item.recent = recent.get(item.pk, [])
    needs = list(PledgeNeed.objects.filter(outcome=outcome).order_by("position", "pk"))
    recent_pledges = _latest_per(
        Pledge.objects.exclude(status=PledgeStatus.WITHDRAWN).select_related(
            "resident", "organization"
        ),
        "need",
        needs,
        order=("-pledged_at", "-pk"),
        limit=PLEDGES_SHOWN,
    )
    for need in needs:
        need.recent = recent_pledges.get(need.pk, [])
    consultation = (
        consultation_summary(topic_id=outcome.topic_id) if outcome.topic_id else None
    )
    distribution = SatisfactionRating.objects.filter(outcome=outcome).aggregate(
        **{f"s{n}": Count("pk", filter=Q(score=n)) for n in range(1, 6)}
    )
    comments = list(
        SatisfactionRating.objects.filter(outcome=outcome)
        .exclude(comment="")
        .select_related("resident")
        .order_by("-updated_at", "-pk")[:COMMENTS_SHOWN]
    )
    minutes = meeting_minutes(
        meeting_id=outcome.meeting_id,
        fields=("pk", "status", "meeting_id", "community_id", "current_version"),
    )
    if minutes is not None:
        minutes.community = outcome.community  # its link, without a query
    total = outcome.rating_count
    return {
        "round": voting_round,
        "result": getattr(voting_round, "result", None) if voting_round else None,
        "items": items,
        "needs": needs,
        "consultation": consultation,
        "distribution": [
            (n, distribution[f"s{n}"], round(100 * distribution[f"s{n}"] / total))
            if total
            else (n, 0, 0)
            for n in range(5, 0, -1)
        ],
        "comments": comments,
        "minutes": minutes,
    }


def rating_of(*, outcome: Outcome, resident: Resident) -> SatisfactionRating | None:
    """The resident's rating of the outcome (one at most: no order to build)."""
    read = getattr(outcome, "_rated_by", None)
    if read is not None and read[0] == resident.pk:
        return read[1]
    found = SatisfactionRating.objects.filter(outcome=outcome, resident=resident)
    return next(iter(found.order_by()[:1]), None)


def action_updates(*, item: ActionItem, page=1):
    return Paginator(
        ActionUpdate.objects.filter(action_item=item)
        .select_related("author")
        .prefetch_related("photos")
        .order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(page)


def closed_rounds_for_item(agenda_item: AgendaItem):
    return VotingRound.objects.filter(
        agenda_item=agenda_item, status=RoundStatus.CLOSED
    ).order_by("-closed_at", "-pk")


def outcomes_for_meeting(*, meeting: Meeting) -> dict[int, Outcome]:
    """The meeting's outcomes by agenda item id (one query)."""
    return {
        outcome.agenda_item_id: outcome
        for outcome in Outcome.objects.filter(meeting=meeting).only(
            "pk",
            "agenda_item_id",
            "community_id",
            "status",
            "action_total",
            "action_done",
        )
    }


def minutes_versions(*, minutes: Minutes) -> list[MinutesVersion]:
    return list(
        MinutesVersion.objects.filter(minutes=minutes)
        .defer("content")
        .select_related("created_by")
        .order_by("-number")
    )


def confirmations(*, version: MinutesVersion) -> list[MinutesConfirmation]:
    return list(
        MinutesConfirmation.objects.filter(version=version)
        .select_related("resident")
        .order_by("confirmed_at", "pk")
    )


def action_items_user_may_update(*, user, community, items) -> set[int]:
    """Which of these action items `user` may post progress on (one query at most;
    none for ItemOwners, which carry their organisations' members).

    The same rule as the "outcomes.post_update" permission, for a whole page.
    `items` are ActionItems or ItemOwners: an owner resident is told by their
    record (one per user in a community), so no item's owner is read here.
    """
    from residents.models import Organization
    from residents.predicates import is_community_member, is_staff_or_social_worker
    from residents.selectors import memberships_of, resident_for_user

    items = list(items)
    if not items or user is None or not user.is_authenticated:
        return set()
    if is_staff_or_social_worker(user, community):
        return {item.pk for item in items}
    if not is_community_member(user, community):
        return set()
    resident = resident_for_user(user=user, community=community)
    org_ids: set[int] = set()
    if resident is not None:  # members of an owner organisation read with the page
        org_ids.update(
            item.owner_organization_id
            for item in items
            if resident.pk in getattr(item, "organization_members", ())
        )
    read = all(isinstance(item, ItemOwners) for item in items)
    if any(item.owner_organization_id for item in items):
        if resident is not None and not read:
            org_ids.update(
                Organization.members.through.objects.filter(
                    resident_id=resident.pk
                ).values_list("organization_id", flat=True)
            )
        org_ids.update(  # the memberships the roles were read from: no query
            membership.organization_id
            for membership in memberships_of(user)[0]
            if membership.community_id == community.pk and membership.organization_id
        )
    return {
        item.pk
        for item in items
        if item.owner_user_id == user.pk
        or (
            item.owner_resident_id
            and resident is not None
            and item.owner_resident_id == resident.pk
        )
        or (item.owner_organization_id in org_ids)
    }
