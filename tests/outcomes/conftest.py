import pytest

from residents.models import Resident, Role
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    ResidentFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos and built PDFs go to a throwaway folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def resident(resident_user, community):
    return Resident.objects.get(community=community, user=resident_user)


@pytest.fixture
def neighbour_user(community):
    user = UserFactory(display_name="李大爷", language="en")
    MembershipFactory(user=user, community=community, role=Role.RESIDENT)
    ResidentFactory(community=community, user=user, name="李大爷")
    return user


@pytest.fixture
def neighbour(neighbour_user, community):
    return Resident.objects.get(community=community, user=neighbour_user)


@pytest.fixture
def library(community):
    return OrganizationFactory(
        community=community, kind="social_resource", name="莆田爱心书屋"
    )


@pytest.fixture
def python_clock(settings):
    """Judge ballots by Python's clock, which time-machine moves (see tests/voting)."""
    settings.VOTING_CLOCK = "python"
