"""Fixtures of the topic page tests: a window and a topic in it."""

import pytest

from tests.topics.factories import CollectionWindowFactory, TopicFactory


@pytest.fixture
def window(community):
    return CollectionWindowFactory(community=community, title="11月议事会议")


@pytest.fixture
def topic(community, resident, window):
    return TopicFactory(community=community, submitter=resident, window=window)
