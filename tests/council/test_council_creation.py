"""A community has its council from the start; council pages only read it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from council.models import Council, SeatKind
from residents.models import Community, Role
from residents.services import community_create
from tests.factories import DistrictFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_community_comes_with_its_council_and_six_seat_kinds(db):
    community = community_create(
        district=DistrictFactory(), name="后海社区", slug="houhai", region_path="福建省"
    )
    council = Council.objects.get(community=community)
    assert council.seat_kinds.count() == 6


def test_a_community_added_in_the_admin_gets_its_council(client, db):
    district = DistrictFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/residents/community/add/",
        {
            "district": district.pk,
            "name": "后海社区",
            "slug": "houhai",
            "region_path": "福建省/莆田市",
            "address": "",
            "population": "4200",
        },
    )
    assert response.status_code == 302
    community = Community.objects.get(slug="houhai")
    assert community.council.seat_kinds.count() == 6


def test_council_pages_read_the_council_and_create_nothing(client, community):
    """A community without a council (never made by the app) answers 404."""
    Council.objects.filter(community=community).delete()
    staff = UserFactory()
    MembershipFactory(user=staff, community=community, role=Role.STAFF)
    client.force_login(staff)
    for name in ("council", "charter_edit", "seat_kinds_edit", "meeting_create"):
        url = reverse(f"council:{name}", kwargs={"community": community.slug})
        assert client.get(url).status_code == 404, name
    assert not Council.objects.filter(community=community).exists()
    assert not SeatKind.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_communities_their_council():
    before = [("council", "0004_invitation_stakeholder_columns")]
    after = [("council", "0005_council_for_every_community")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    District = old_apps.get_model("residents", "District")
    OldCommunity = old_apps.get_model("residents", "Community")
    district = District.objects.create(name="秀屿区", region_path="福建省")
    OldCommunity.objects.create(
        district=district, name="老社区", slug="old", region_path="福建省"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    council = Council.objects.get(community__slug="old")
    codes = list(council.seat_kinds.order_by("position").values_list("code", flat=True))
    assert codes == [
        "residents_committee",
        "resident_backbone",
        "women",
        "social_org",
        "social_resource",
        "social_worker",
    ]
