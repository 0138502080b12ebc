import pytest

from residents.models import Role
from tests.factories import MembershipFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/residents/resident/",
    "/admin/residents/user/",
    "/admin/residents/community/",
    "/admin/residents/organization/",
    "/admin/residents/membership/",
    "/admin/residents/residentimport/",
    "/admin/residents/district/",
]


def test_superuser_opens_every_residents_admin_page(client, community):
    ResidentFactory(community=community)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for page in PAGES:
        assert client.get(page).status_code == 200, page


def test_django_staff_flag_without_superuser_is_not_enough(client, community):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, community=community, role=Role.STAFF)
    client.force_login(user)
    for page in PAGES:
        assert client.get(page).status_code in (302, 403), page
