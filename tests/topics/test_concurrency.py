"""Two simultaneous endorsements by one resident make one row (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from tests.factories import CommunityFactory, ResidentFactory, UserFactory
from tests.topics.factories import CollectionWindowFactory, TopicFactory
from topics import services
from topics.models import Endorsement, Topic

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_simultaneous_endorsements_make_one():
    assert connection.vendor == "postgresql"
    community = CommunityFactory()
    window = CollectionWindowFactory(community=community)
    topic = TopicFactory(community=community, window=window)
    resident = ResidentFactory(community=community, user=UserFactory())

    errors = _race(
        2, lambda: services.endorsement_create(topic=topic, resident=resident)
    )

    assert errors == []
    assert Endorsement.objects.filter(topic=topic, resident=resident).count() == 1
    assert Topic.objects.get(pk=topic.pk).endorsement_count == 1


def test_many_residents_at_once_are_all_counted():
    community = CommunityFactory()
    topic = TopicFactory(
        community=community, window=CollectionWindowFactory(community=community)
    )
    residents = [ResidentFactory(community=community) for _ in range(8)]
    lock = threading.Lock()
    queue = list(residents)

    def endorse_next():
        with lock:
            resident = queue.pop()
        services.endorsement_create(topic=topic, resident=resident)

    assert _race(8, endorse_next) == []
    assert Topic.objects.get(pk=topic.pk).endorsement_count == 8


def test_two_simultaneous_requests_through_the_view_make_one(live_server):
    """The real HTTP path: two logged-in requests at once."""
    import requests

    from residents.models import Role
    from tests.factories import PASSWORD, MembershipFactory

    community = CommunityFactory(slug="race")
    topic = TopicFactory(
        community=community, window=CollectionWindowFactory(community=community)
    )
    user = UserFactory()
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=user)

    session = requests.Session()
    login = session.get(f"{live_server.url}/accounts/login/")
    assert login.status_code == 200
    session.post(
        f"{live_server.url}/accounts/login/",
        data={
            "username": user.mobile,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{live_server.url}/accounts/login/"},
    )
    url = f"{live_server.url}/c/race/topics/{topic.pk}/endorse/"
    statuses = []

    def post():
        response = session.post(
            url,
            data={
                "action": "endorse",
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": url},
            allow_redirects=False,
        )
        statuses.append(response.status_code)

    assert _race(2, post) == []
    assert statuses == [302, 302]
    assert Endorsement.objects.filter(topic=topic).count() == 1
    assert Topic.objects.get(pk=topic.pk).endorsement_count == 1
