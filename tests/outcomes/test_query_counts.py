"""List pages and the outcome page run the same number of queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from council.models import AgendaItem
from outcomes import services
from outcomes.models import (
    ActionStatus,
    ActionUpdate,
    ActionUpdatePhoto,
    Outcome,
    OutcomeStatus,
    Pledge,
    SatisfactionRating,
)
from outcomes.selectors import COMMUNITY_OUTCOMES
from residents.models import Resident
from tests.outcomes.factories import add_item, record_outcome

pytestmark = pytest.mark.django_db

PUBLIC_LIST_BUDGET = 12  # logged in: session, user, roles and the inbox badge too
# Logged in; the count is the same at both sizes. A resident's first visit also
# notes the page open (reports, for awareness): one insert that ignores a repeat.
OUTCOME_PAGE_BUDGET = 25


def grow(outcome, n, *, library):
    """Add n outcomes to the meeting and n updates, pledges and ratings to `outcome`."""
    meeting = outcome.meeting
    start = AgendaItem.objects.filter(meeting=meeting).count() + 1
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=start + i, title=f"事项{start + i}")
        for i in range(n)
    )
    Outcome.objects.bulk_create(
        Outcome(
            community=outcome.community,
            meeting=meeting,
            agenda_item=item,
            decision=f"决定{item.position}",
            status=OutcomeStatus.IN_PROGRESS,
            action_total=2,
            action_done=1,
            responsible_organization=library,
        )
        for item in items
    )
    action = outcome.action_items.first()
    updates = ActionUpdate.objects.bulk_create(
        ActionUpdate(action_item=action, text=f"进展{i}") for i in range(n)
    )
    ActionUpdatePhoto.objects.bulk_create(
        ActionUpdatePhoto(update=u, image="outcomes/x.jpg", width=10, height=10)
        for u in updates
    )
    need = outcome.needs.first()
    Pledge.objects.bulk_create(
        Pledge(need=need, community=outcome.community, organization=library, quantity=1)
        for _ in range(n)
    )
    residents = Resident.objects.bulk_create(
        Resident(community=outcome.community, name=f"评分{i}") for i in range(n)
    )
    SatisfactionRating.objects.bulk_create(
        SatisfactionRating(outcome=outcome, resident=r, score=4, comment="好")
        for r in residents
    )


@pytest.fixture
def outcome(community, staff_user, library):
    outcome = record_outcome(community, by=staff_user)
    services.pledge_need_add(
        outcome=outcome, by=staff_user, description="图书", unit="本", quantity=10**6
    )
    first = add_item(outcome, by=staff_user, owner=library)
    add_item(outcome, by=staff_user, owner=library, description="值班")
    services.action_update_post(
        item=first, by=staff_user, text="完成", status=ActionStatus.DONE
    )
    return outcome


def count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["anonymous", "resident", "staff"])
def test_public_list_and_outcome_page_do_not_grow(
    client,
    community,
    outcome,
    library,
    who,
    resident_user,
    staff_user,
    django_capture_on_commit_callbacks,
):
    if who != "anonymous":
        client.force_login({"resident": resident_user, "staff": staff_user}[who])
    list_url = f"/c/{community.slug}/outcomes/"

    def grown(n):
        grow(outcome, n, library=library)
        # Rows added in bulk: announced as the outcome services announce theirs,
        # so the list is built anew, as after a real change.
        with django_capture_on_commit_callbacks(execute=True):
            COMMUNITY_OUTCOMES.changed(str(community.pk))

    grown(3)
    # The first opening writes the resident's page-open row, once; count a return.
    client.get(outcome.get_absolute_url())
    small = (
        count(client, list_url),
        count(client, list_url, {"status": "in_progress"}),
        count(client, outcome.get_absolute_url()),
    )
    kept_small = count(client, list_url)
    grown(30)
    large = (
        count(client, list_url),
        count(client, list_url, {"status": "in_progress"}),
        count(client, outcome.get_absolute_url()),
    )
    assert small == large
    assert max(large[:2]) <= PUBLIC_LIST_BUDGET
    assert large[2] <= OUTCOME_PAGE_BUDGET
    # Opened again, the list is kept: the login and roles (for a member) only.
    assert count(client, list_url) == kept_small <= 2


def test_updates_page_does_not_grow(client, community, outcome, library):
    item = outcome.action_items.first()
    url = f"/c/{community.slug}/outcomes/{outcome.pk}/actions/{item.pk}/updates/"
    grow(outcome, 3, library=library)
    small = count(client, url)
    grow(outcome, 30, library=library)
    assert count(client, url) == small <= 8


def test_minutes_content_does_not_grow_with_the_agenda(outcome, library):
    grow(outcome, 3, library=library)
    with CaptureQueriesContext(connection) as small:
        services.minutes_content(meeting=outcome.meeting, notes={})
    grow(outcome, 30, library=library)
    with CaptureQueriesContext(connection) as large:
        content = services.minutes_content(meeting=outcome.meeting, notes={})
    assert len(content["items"]) == 34
    assert len(small) == len(large)
