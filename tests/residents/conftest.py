"""Fixtures for the residents tests: people in both communities, organisations."""

import pytest

from residents.models import OrganizationKind
from tests.factories import OrganizationFactory, ResidentFactory


@pytest.fixture
def resident(community):
    return ResidentFactory(
        community=community,
        name="林秀英",
        mobile="13859001234",
        building="3",
        unit="1",
        room="201",
        is_elderly_alone=True,
    )


@pytest.fixture
def other_resident(other_community):
    return ResidentFactory(
        community=other_community, name="郑阿伯", mobile="13859009999", building="8"
    )


@pytest.fixture
def organization(community):
    return OrganizationFactory(
        community=community,
        kind=OrganizationKind.SOCIAL_ORG,
        name="汀塘老年协会",
        contact_name="郑金水",
        contact_mobile="13500001111",
    )


@pytest.fixture
def other_organization(other_community):
    return OrganizationFactory(community=other_community, name="东峤老年协会")
