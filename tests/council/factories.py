"""Factories and helpers for council tests."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from council import services
from council.models import SeatKind
from residents.models import Role
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    ResidentFactory,
    UserFactory,
)
from topics import services as topic_services


def url(name, *args):
    """The address of a council page."""
    return reverse(f"council:{name}", args=args)


def resident_login(community, name="李大伯"):
    """A resident of the community with a login: (user, resident)."""
    user = UserFactory(display_name=name)
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    resident = ResidentFactory(community=community, user=user, name=name)
    return user, resident


def seat_council(community, *, by=None, per_kind=1, alternates=False):
    """Give every default seat kind `per_kind` holders; return (council, seats)."""
    council = community.council
    seats = []
    start = timezone.localdate() - timedelta(days=30)
    for kind in SeatKind.objects.filter(council=council).order_by("position"):
        if kind.seat_count < per_kind:
            kind.seat_count = per_kind
            kind.save(update_fields=["seat_count"])
        for _n in range(per_kind):
            seats.append(
                services.seat_assign(
                    council=council,
                    by=by,
                    kind=kind,
                    resident=ResidentFactory(community=community),
                    alternate=ResidentFactory(community=community)
                    if alternates
                    else None,
                    organization=OrganizationFactory(community=community)
                    if kind.represents_organization
                    else None,
                    term_start=start,
                )
            )
    return council, seats


def schedule(community, *, by=None, days=10, **kwargs):
    starts_at = timezone.now() + timedelta(days=days)
    values = {
        "title": "十一月议事会",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "place": "汀塘村委会",
        "room": "三楼会议室",
    }
    values.update(kwargs)
    return services.meeting_schedule(community=community, by=by, **values)


def publish(meeting, *, by=None, items=1):
    """Add `items` agenda items and publish the agenda (closing collection early)."""
    for n in range(items):
        services.agenda_item_create(meeting=meeting, by=by, title=f"事项{n + 1}")
    return services.agenda_publish(meeting=meeting, by=by, confirm=True)


def in_progress(meeting, *, by=None, items=1):
    """Publish the agenda and open the meeting now, days before its date."""
    publish(meeting, by=by, items=items)
    return services.meeting_start(meeting=meeting, by=by, confirm=True)


def submit_topic(community, title="修三号楼路灯"):
    """A new resident submits a topic into whatever collection accepts it now."""
    return topic_services.topic_submit(
        community=community,
        submitter=ResidentFactory(community=community),
        by=None,
        title=title,
        description="路灯坏了，晚上太黑。",
        category="facilities",
    )
