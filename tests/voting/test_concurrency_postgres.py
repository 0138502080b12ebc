"""200 people cast at once on PostgreSQL, some twice, some after the close.

Every request goes through the cast page (Django's test client, one per thread):
the answers are 200/302 or a 400 with a message, never a 500 or an IntegrityError,
and after the close the tally equals the distinct eligible voters who voted in time.

PostgreSQL here allows 100 connections and other test runs share it, so the 200
threads start together but hold at most POOL connections at once, as a web server's
workers would. The deadline falls while the requests run, whatever the machine's
speed: once CLOSE_AFTER answers are in, the round's row is locked and its closing
time set to the database's clock, then it is closed as the ETA task would.
"""

import random
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from residents.models import Membership, Resident, Role
from tests.voting.factories import make_round
from voting import services
from voting.clock import database_now
from voting.models import (
    Ballot,
    BallotKind,
    BallotReceipt,
    Electorate,
    RoundStatus,
    VotingRound,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POOL = 40
IN_TIME, TWICE, INELIGIBLE, LATE = 120, 30, 20, 30  # 200 requests' worth of threads
# Close when 60 of the ballots sent before the close have answers (40 in flight,
# the rest waiting; half the in-time voters only set off once the deadline is set).
CLOSE_AFTER = 60


def _people(community, n, prefix):
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"{prefix}{i}", display_name=f"{prefix}{i}", mobile=None)
        for i in range(n)
    )
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_update(users, ["password"])
    Membership.objects.bulk_create(
        Membership(user=u, community=community, role=Role.RESIDENT) for u in users
    )
    return Resident.objects.bulk_create(
        Resident(community=community, user=u, name=u.display_name) for u in users
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("ballot", [BallotKind.SECRET, BallotKind.OPEN])
def test_200_at_once_twice_and_late_tally_equals_distinct_voters_in_time(
    meeting, staff_user, community, ballot
):
    voters = _people(community, IN_TIME + LATE, "v")
    voting_round = make_round(
        meeting,
        by=staff_user,
        electorate=Electorate.RESIDENTS,
        ballot=ballot,
        minutes=10,
    )
    # Residents added after the round opened are not in its electorate.
    outsiders = _people(community, INELIGIBLE, "x")
    options = [o.pk for o in voting_round.options.all()]
    cast_url = reverse(
        "voting:ballot_submit",
        kwargs={"community": community.slug, "pk": voting_round.pk},
    )
    in_time, late = voters[:IN_TIME], voters[IN_TIME:]
    jobs = (
        [(r, "in_time") for r in in_time]
        + [(r, "twice") for r in in_time[:TWICE]]
        + [(r, "ineligible") for r in outsiders]
        + [(r, "late") for r in late]
    )
    assert len(jobs) == 200
    clients = {r.pk: _client(r.user) for r in voters + outsiders}
    pool = threading.BoundedSemaphore(POOL)
    barrier = threading.Barrier(len(jobs) + 1)
    outcomes = []
    lock = threading.Lock()
    deadline = {}
    closed = threading.Event()
    # Half the in-time voters are still on their way when the deadline is set: the
    # close falls in the middle however fast casting is. (Without them, the lock
    # that moves the deadline could wait behind every ballot still coming.)
    on_their_way = {r.pk for r in in_time[IN_TIME // 2 :]}
    deadline_set = threading.Event()

    def run(resident, group):
        barrier.wait()
        if group == "late":
            closed.wait(300)
        elif group == "in_time" and resident.pk in on_their_way:
            deadline_set.wait(300)
        elif group == "twice":
            time.sleep(random.uniform(0, 0.5))
        try:
            with pool:
                response = clients[resident.pk].post(
                    cast_url, {"choice": random.choice(options)}
                )
            outcome = (resident.pk, group, response.status_code, response.content)
        except Exception as exc:  # noqa: BLE001 - any exception fails the test below
            outcome = (resident.pk, group, "exception", repr(exc))
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    closer_started = time.monotonic()
    barrier.wait()
    while len(outcomes) < CLOSE_AFTER:
        time.sleep(0.01)
        assert time.monotonic() - closer_started < 300
    with transaction.atomic():
        VotingRound.objects.select_for_update().get(pk=voting_round.pk)
        deadline["at"] = database_now()
        VotingRound.objects.filter(pk=voting_round.pk).update(closes_at=deadline["at"])
    deadline_set.set()
    assert services.round_close(voting_round=voting_round)
    closed.set()
    for thread in threads:
        thread.join(120)
    connections.close_all()

    assert len(outcomes) == 200
    assert not [o for o in outcomes if o[2] not in (200, 302, 400)], [
        o[:3] + (o[3][:300],) for o in outcomes if o[2] not in (200, 302, 400)
    ]
    voting_round.refresh_from_db()
    assert voting_round.status == RoundStatus.CLOSED
    result = voting_round.result
    receipts = BallotReceipt.objects.filter(voting_round=voting_round)
    voted = set(receipts.values_list("voter_id", flat=True))
    # Only eligible voters, and only in time.
    assert voted <= {r.pk for r in in_time}
    assert all(r.cast_at < deadline["at"] for r in receipts)
    assert result.ballots_cast == len(voted) == receipts.count()
    if ballot == BallotKind.SECRET:
        assert Ballot.objects.filter(voting_round=voting_round).count() == len(voted)
    assert sum(result.counts.values()) == len(voted)
    accepted = {o[0] for o in outcomes if o[2] in (200, 302)}
    assert accepted == voted
    by_group = {}
    for _pk, group, status, _body in outcomes:
        by_group.setdefault(group, set()).add(status)
    assert by_group["ineligible"] == {400}
    assert by_group["late"] == {400}
    if ballot == BallotKind.SECRET:
        # Each voter's ballot was accepted once; the other try was refused.
        assert sum(1 for o in outcomes if o[2] == 200) == len(voted)
    # The close fell in the middle: some first ballots counted, some refused.
    assert 0 < len(voted) < IN_TIME
