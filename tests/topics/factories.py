"""Factories for topics: windows, topics, endorsements, comments."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import CommunityFactory, ResidentFactory
from topics.models import CollectionWindow, Comment, Endorsement, Topic, TopicCategory


class CollectionWindowFactory(DjangoModelFactory):
    class Meta:
        model = CollectionWindow

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"第{n}次议事会议")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    community = factory.SubFactory(CommunityFactory)
    submitter = factory.SubFactory(
        ResidentFactory, community=factory.SelfAttribute("..community")
    )
    title = factory.Sequence(lambda n: f"议题{n}：修路灯")
    description = "三号楼门口的路灯坏了两个月，晚上老人出门不安全。"
    category = TopicCategory.FACILITIES


class EndorsementFactory(DjangoModelFactory):
    class Meta:
        model = Endorsement

    topic = factory.SubFactory(TopicFactory)
    resident = factory.SubFactory(
        ResidentFactory, community=factory.SelfAttribute("..topic.community")
    )


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    topic = factory.SubFactory(TopicFactory)
    body = "我支持，晚上确实太黑了。"
