import pytest
from django.urls import reverse

from residents.models import Resident
from residents.services import community_stats_refresh
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def url(name, community, **kwargs):
    return reverse(f"residents:{name}", kwargs={"community": community.slug, **kwargs})


# -- who may open the residents list ----------------------------------------


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("staff_user", 200),
        ("social_worker", 200),
        ("resident_user", 403),
        ("district_officer", 403),
        ("other_staff_user", 403),
    ],
)
def test_residents_list_by_role(request, login, community, resident, person, status):
    client = login(request.getfixturevalue(person))
    response = client.get(url("resident_list", community))
    assert response.status_code == status


def test_residents_list_anonymous_goes_to_login(client, community):
    response = client.get(url("resident_list", community))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_unknown_community_is_404(login, staff_user):
    response = login(staff_user).get("/c/nowhere/residents/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["resident_detail", "resident_edit", "resident_password_reset"]
)
def test_staff_of_other_community_cannot_reach_a_resident(
    login, other_staff_user, community, other_community, resident, name
):
    client = login(other_staff_user)
    # Through the resident's own community: no permission there.
    own = url(name, community, pk=resident.pk)
    response = client.post(own) if name.endswith("reset") else client.get(own)
    assert response.status_code == 403
    # Through their own community's URL: the resident is not found there.
    theirs = url(name, other_community, pk=resident.pk)
    response = client.post(theirs) if name.endswith("reset") else client.get(theirs)
    assert response.status_code == 404


def test_social_worker_cannot_edit_or_add(login, social_worker, community, resident):
    client = login(social_worker)
    assert (
        client.get(url("resident_edit", community, pk=resident.pk)).status_code == 403
    )
    assert client.get(url("resident_create", community)).status_code == 403
    assert client.get(url("import_start", community)).status_code == 403


# -- masking -----------------------------------------------------------------


def test_staff_see_full_mobile_and_address(login, staff_user, community, resident):
    client = login(staff_user)
    for page in (
        url("resident_list", community),
        url("resident_detail", community, pk=resident.pk),
    ):
        content = client.get(page).content.decode()
        assert "13859001234" in content
        assert "201" in content


def test_social_worker_sees_masked_contact(login, social_worker, community, resident):
    client = login(social_worker)
    for page in (
        url("resident_list", community),
        url("resident_detail", community, pk=resident.pk),
    ):
        content = client.get(page).content.decode()
        assert "138****1234" in content
        assert "13859001234" not in content
        assert "201室" not in content
        assert "3号楼" in content


def test_district_officer_sees_counts_not_people(
    login, district_officer, community, resident
):
    client = login(district_officer)
    home = client.get(reverse("residents:community_home", args=[community.slug]))
    assert home.status_code == 200
    content = home.content.decode()
    assert "林秀英" not in content
    assert "登记居民" in content
    assert "独居老人" in content and "残疾" in content
    assert (
        client.get(url("resident_detail", community, pk=resident.pk)).status_code == 403
    )


def test_staff_see_the_household_social_workers_do_not(
    login, staff_user, social_worker, community
):
    grandma = ResidentFactory(community=community, name="林奶奶", household="TT-7")
    ResidentFactory(
        community=community,
        name="林小宝",
        household="TT-7",
        birth_year=2016,
        is_left_behind_child=True,
    )
    ResidentFactory(community=community, name="邻居", household="TT-8")
    page = url("resident_detail", community, pk=grandma.pk)
    content = login(staff_user).get(page).content.decode()
    assert "同一户" in content
    assert "林小宝" in content
    assert "邻居" not in content
    assert "林小宝" not in login(social_worker).get(page).content.decode()


# -- search, filter, pagination ------------------------------------------------


def test_search_by_name_building_and_mobile_digits(login, staff_user, community):
    ResidentFactory(
        community=community, name="林秀英", mobile="13859001234", building="3"
    )
    ResidentFactory(
        community=community, name="陈大明", mobile="13859005678", building="7"
    )
    client = login(staff_user)

    def names(**params):
        response = client.get(url("resident_list", community), params)
        return {r.name for r in response.context["page"].object_list}

    assert names(q="秀英") == {"林秀英"}
    assert names(q="7") == {"陈大明"}
    assert names(q="7号楼") == {"陈大明"}
    assert names(q="5678") == {"陈大明"}
    assert names(q="nobody") == set()


def test_social_worker_cannot_find_people_by_mobile_digits(
    login, social_worker, community, resident
):
    client = login(social_worker)
    response = client.get(url("resident_list", community), {"q": "1234"})
    assert response.context["page"].paginator.count == 0
    response = client.get(url("resident_list", community), {"q": "秀英"})
    assert response.context["page"].paginator.count == 1


def test_tag_filter_and_count(login, staff_user, community):
    ResidentFactory(community=community, name="独居甲", is_elderly_alone=True)
    ResidentFactory(community=community, name="留守乙", is_left_behind_child=True)
    ResidentFactory(community=community, name="普通丙")
    client = login(staff_user)
    response = client.get(
        url("resident_list", community), {"tag": "is_left_behind_child"}
    )
    assert [r.name for r in response.context["page"].object_list] == ["留守乙"]
    assert "找到 1 位居民" in response.content.decode()
    # An unknown tag is ignored rather than an error.
    response = client.get(url("resident_list", community), {"tag": "drop table"})
    assert response.context["page"].paginator.count == 3


def test_empty_search_shows_empty_state(login, staff_user, community):
    response = login(staff_user).get(url("resident_list", community), {"q": "无此人"})
    assert "没有符合搜索条件的居民" in response.content.decode()


def test_pagination_keeps_the_search(login, staff_user, community):
    ResidentFactory.create_batch(30, community=community, building="9")
    client = login(staff_user)
    response = client.get(url("resident_list", community), {"q": "9", "page": 2})
    page = response.context["page"]
    assert page.number == 2
    assert len(page.object_list) == 5
    assert "q=9&amp;page=1" in response.content.decode()


def test_other_community_residents_never_listed(
    login, staff_user, community, resident, other_resident
):
    response = login(staff_user).get(url("resident_list", community), {"q": "郑阿伯"})
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize("size", [5, 60])
def test_residents_list_query_budget(
    login, staff_user, community, size, django_assert_max_num_queries
):
    ResidentFactory.create_batch(size, community=community, is_elderly_alone=True)
    community_stats_refresh(community_id=community.pk)  # as the services keep it
    client = login(staff_user)
    with django_assert_max_num_queries(9):
        response = client.get(
            url("resident_list", community), {"tag": "is_elderly_alone"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_resident_detail_query_budget(
    login, staff_user, community, organization, size, django_assert_max_num_queries
):
    resident = ResidentFactory(community=community, household="TT-1")
    ResidentFactory.create_batch(size, community=community, household="TT-1")
    for index in range(size):
        other = type(organization).objects.create(
            community=community, kind=organization.kind, name=f"组织{index}"
        )
        other.members.add(resident)
    client = login(staff_user)
    with django_assert_max_num_queries(9):
        response = client.get(url("resident_detail", community, pk=resident.pk))
    assert response.status_code == 200


# -- create and edit -------------------------------------------------------


def _form(**overrides):
    data = {
        "name": "黄阿婆",
        "mobile": "138 5900 4321",
        "building": "5",
        "unit": "2",
        "room": "301",
        "household": "H-88",
        "birth_year": "1945",
        "is_elderly_alone": "on",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_staff_create_resident_normalises_mobile(login, staff_user, community):
    response = login(staff_user).post(url("resident_create", community), _form())
    resident = Resident.objects.get(name="黄阿婆")
    assert response.status_code == 302
    assert response["Location"] == resident.get_absolute_url()
    assert resident.mobile == "13859004321"
    assert resident.community == community
    assert resident.is_elderly_alone


def test_duplicate_mobile_is_a_field_error(login, staff_user, community, resident):
    response = login(staff_user).post(
        url("resident_create", community), _form(mobile="+86 138-5900-1234")
    )
    assert response.status_code == 200
    assert "13859001234" in str(response.context["form"].errors["mobile"])
    assert "已有居民使用手机号" in response.content.decode()
    assert Resident.objects.filter(community=community).count() == 1


def test_same_mobile_allowed_in_another_community(
    login, other_staff_user, other_community, resident
):
    response = login(other_staff_user).post(
        url("resident_create", other_community), _form(mobile="13859001234")
    )
    assert response.status_code == 302
    assert Resident.objects.filter(mobile="13859001234").count() == 2


def test_bad_mobile_and_missing_name_keep_what_was_typed(login, staff_user, community):
    response = login(staff_user).post(
        url("resident_create", community), _form(name="", mobile="12345")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"name", "mobile"}
    assert 'value="12345"' in response.content.decode()
    assert "不是有效的手机号" in response.content.decode()


def test_birth_year_in_the_future_is_refused(login, staff_user, community):
    response = login(staff_user).post(
        url("resident_create", community), _form(birth_year="2999")
    )
    assert "birth_year" in response.context["form"].errors


def test_staff_edit_resident(login, staff_user, community, resident):
    response = login(staff_user).post(
        url("resident_edit", community, pk=resident.pk),
        _form(name="林秀英", mobile="13859001235", is_elderly_alone=""),
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.mobile == "13859001235"
    assert resident.building == "5"
    assert not resident.is_elderly_alone


def test_edit_to_a_taken_mobile_is_refused(login, staff_user, community, resident):
    other = ResidentFactory(community=community, mobile="13859007777")
    response = login(staff_user).post(
        url("resident_edit", community, pk=other.pk), _form(mobile="13859001234")
    )
    assert response.status_code == 200
    assert "mobile" in response.context["form"].errors
    other.refresh_from_db()
    assert other.mobile == "13859007777"


def test_nav_shows_residents_link_only_to_those_allowed(
    login, staff_user, resident_user, community
):
    home = reverse("residents:community_home", args=[community.slug])
    list_url = url("resident_list", community)
    assert list_url in login(staff_user).get(home).content.decode()
    assert list_url not in login(resident_user).get(home).content.decode()
