import pytest
from django.urls import reverse

from residents.models import Membership, Organization, OrganizationKind, Role
from tests.factories import OrganizationFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def url(name, community, **kwargs):
    return reverse(f"residents:{name}", kwargs={"community": community.slug, **kwargs})


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("staff_user", 200),
        ("social_worker", 200),
        ("resident_user", 200),
        ("district_officer", 200),
        ("other_staff_user", 403),
    ],
)
def test_organization_pages_by_role(
    request, login, community, organization, person, status
):
    client = login(request.getfixturevalue(person))
    assert client.get(url("organization_list", community)).status_code == status
    detail = url("organization_detail", community, pk=organization.pk)
    assert client.get(detail).status_code == status


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("staff_user", 200),
        ("social_worker", 403),
        ("resident_user", 403),
        ("district_officer", 403),
        ("other_staff_user", 403),
    ],
)
def test_only_staff_create_or_edit(
    request, login, community, organization, person, status
):
    client = login(request.getfixturevalue(person))
    assert client.get(url("organization_create", community)).status_code == status
    edit = url("organization_edit", community, pk=organization.pk)
    assert client.get(edit).status_code == status


def test_organization_of_other_community_is_404(
    login, staff_user, community, other_organization
):
    response = login(staff_user).get(
        url("organization_detail", community, pk=other_organization.pk)
    )
    assert response.status_code == 404


def test_list_is_grouped_under_the_five_kinds(login, resident_user, community):
    OrganizationFactory(
        community=community,
        kind=OrganizationKind.SOCIAL_WORK_AGENCY,
        name="福建启福社工",
    )
    response = login(resident_user).get(url("organization_list", community))
    content = response.content.decode()
    for label in ["社区组织", "社会组织", "社工机构", "社会资源", "社区自治组织"]:
        assert label in content
    assert "福建启福社工" in content
    assert "暂无登记" in content  # an empty kind says so


def test_contact_masked_for_non_staff(
    login, staff_user, resident_user, community, organization
):
    detail = url("organization_detail", community, pk=organization.pk)
    assert "13500001111" in login(staff_user).get(detail).content.decode()
    content = login(resident_user).get(detail).content.decode()
    assert "135****1111" in content
    assert "13500001111" not in content


def test_members_listed_for_staff_counted_for_district_officer(
    login, staff_user, district_officer, community, organization
):
    member = ResidentFactory(community=community, name="林阿婆")
    organization.members.add(member)
    detail = url("organization_detail", community, pk=organization.pk)
    assert "林阿婆" in login(staff_user).get(detail).content.decode()
    content = login(district_officer).get(detail).content.decode()
    assert "1 位居民" in content
    assert "林阿婆" not in content
    assert "成员居民" not in content


def test_social_work_agency_shows_its_social_workers(
    login, staff_user, social_worker, community
):
    agency = OrganizationFactory(
        community=community,
        kind=OrganizationKind.SOCIAL_WORK_AGENCY,
        name="福建启福社工",
    )
    Membership.objects.filter(user=social_worker, role=Role.SOCIAL_WORKER).update(
        organization=agency
    )
    response = login(staff_user).get(
        url("organization_detail", community, pk=agency.pk)
    )
    assert "陈社工" in response.content.decode()


def test_staff_create_organization_and_duplicate_name_error(
    login, staff_user, community
):
    client = login(staff_user)
    data = {
        "kind": OrganizationKind.SOCIAL_RESOURCE,
        "name": "汀塘爱心企业联盟",
        "description": "",
        "contact_name": "蔡建明",
        "contact_mobile": "139 0000 1234",
    }
    response = client.post(url("organization_create", community), data)
    organization = Organization.objects.get(name="汀塘爱心企业联盟")
    assert response.status_code == 302
    assert organization.contact_mobile == "13900001234"
    response = client.post(url("organization_create", community), data)
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Organization.objects.filter(name="汀塘爱心企业联盟").count() == 1


def test_staff_edit_organization(login, staff_user, community, organization):
    response = login(staff_user).post(
        url("organization_edit", community, pk=organization.pk),
        {
            "kind": OrganizationKind.SELF_GOVERNANCE_ORG,
            "name": "汀塘老年人协会",
            "description": "新的说明",
            "contact_name": "郑金水",
            "contact_mobile": "",
        },
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "汀塘老年人协会"
    assert organization.kind == OrganizationKind.SELF_GOVERNANCE_ORG


def test_search_add_and_remove_member(login, staff_user, community, organization):
    resident = ResidentFactory(community=community, name="林阿公")
    client = login(staff_user)
    detail = url("organization_detail", community, pk=organization.pk)
    response = client.get(detail, {"q": "阿公"})
    assert [r.name for r in response.context["candidates"]] == ["林阿公"]
    response = client.post(
        url("organization_member_add", community, pk=organization.pk),
        {"resident": resident.pk},
    )
    assert response.status_code == 302
    assert list(organization.members.all()) == [resident]
    # Already a member: no longer offered.
    assert client.get(detail, {"q": "阿公"}).context["candidates"] == []
    client.post(
        url(
            "organization_member_remove",
            community,
            pk=organization.pk,
            resident_pk=resident.pk,
        )
    )
    assert organization.members.count() == 0


def test_cannot_add_resident_of_another_community(
    login, staff_user, community, organization, other_resident
):
    response = login(staff_user).post(
        url("organization_member_add", community, pk=organization.pk),
        {"resident": other_resident.pk},
    )
    assert response.status_code == 404
    assert organization.members.count() == 0


def test_member_add_needs_post_and_staff(login, social_worker, community, organization):
    resident = ResidentFactory(community=community)
    client = login(social_worker)
    add = url("organization_member_add", community, pk=organization.pk)
    assert client.post(add, {"resident": resident.pk}).status_code == 403
    assert organization.members.count() == 0


@pytest.mark.parametrize("size", [2, 15])
def test_organization_pages_query_budget(
    login, staff_user, community, size, django_assert_max_num_queries
):
    for index in range(size):
        organization = OrganizationFactory(
            community=community,
            kind=list(OrganizationKind)[index % 5],
            name=f"组织{index}",
        )
        organization.members.add(*ResidentFactory.create_batch(2, community=community))
    client = login(staff_user)
    with django_assert_max_num_queries(7):
        assert client.get(url("organization_list", community)).status_code == 200
    with django_assert_max_num_queries(9):
        response = client.get(url("organization_detail", community, pk=organization.pk))
        assert response.status_code == 200
