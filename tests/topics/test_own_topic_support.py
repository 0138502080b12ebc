"""Whoever raises a topic counts as one of its supporters, once, and is shown so."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.topics.factories import CollectionWindowFactory, TopicFactory
from topics import services
from topics.models import Endorsement, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(community, resident, resident_user):
    CollectionWindowFactory(community=community)
    return services.topic_submit(
        community=community,
        submitter=resident,
        by=resident_user,
        title="三号楼门口路灯坏了",
        description="晚上太黑。",
    )


def test_a_new_topic_has_its_submitter_as_first_supporter(submitted, resident):
    assert submitted.endorsement_count == 1
    assert Endorsement.objects.get(topic=submitted).resident == resident


def test_the_submitter_cannot_add_an_endorsement(submitted, resident):
    with pytest.raises(ValidationError) as error:
        services.endorsement_create(topic=submitted, resident=resident)
    assert error.value.code == "own_topic"
    submitted.refresh_from_db()
    assert submitted.endorsement_count == 1


def test_the_submitter_stays_a_supporter(submitted, resident):
    with pytest.raises(ValidationError):
        services.endorsement_withdraw(topic=submitted, resident=resident)
    assert Endorsement.objects.filter(topic=submitted, resident=resident).exists()


def test_a_topic_recorded_for_an_offline_resident_counts_them(
    community, offline_resident, staff_user
):
    CollectionWindowFactory(community=community)
    topic = services.topic_submit(
        community=community,
        submitter=offline_resident,
        by=staff_user,
        title="菜市场旁边垃圾桶不够",
        description="夏天很臭。",
    )
    assert topic.endorsement_count == 1
    assert topic.endorsements.get().resident == offline_resident


def test_neighbours_add_to_the_submitters_support(submitted, neighbour):
    services.endorsement_create(topic=submitted, resident=neighbour)
    submitted.refresh_from_db()
    assert submitted.endorsement_count == 2


def test_the_topic_page_shows_the_submitter_as_supporter_without_a_button(
    login, resident_user, submitted
):
    html = login(resident_user).get(submitted.get_absolute_url()).content.decode()
    assert "这是你提出的议题，你已算作支持者 · 共 1 人支持" in html
    assert 'name="action" value="endorse"' not in html


def test_posting_an_endorsement_of_ones_own_topic_says_why_not(
    login, resident_user, submitted, community
):
    response = login(resident_user).post(
        reverse("topics:topic_endorse", args=[community.slug, submitted.pk]),
        {"action": "endorse"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "这是你提出的议题，你已经算作支持者了。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.endorsement_count == 1


def test_migration_counts_earlier_submitters_once(community, resident, neighbour):
    plain = TopicFactory(community=community, submitter=resident)
    Endorsement.objects.create(topic=plain, resident=neighbour)
    Topic.objects.filter(pk=plain.pk).update(endorsement_count=1)
    already = TopicFactory(community=community, submitter=resident)
    Endorsement.objects.create(topic=already, resident=resident)
    Topic.objects.filter(pk=already.pk).update(endorsement_count=1)
    migration = importlib.import_module(
        "topics.migrations.0006_submitter_counts_as_supporter"
    )
    migration.add_submitter_endorsements(django_apps, None)
    plain.refresh_from_db()
    already.refresh_from_db()
    assert plain.endorsement_count == 2 == plain.endorsements.count()
    assert already.endorsement_count == 1 == already.endorsements.count()
