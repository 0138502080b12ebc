"""The residents list reads like a register: pinyin order, page numbers, a jump,
filters by building and tag."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from residents import services
from residents.models import Resident
from residents.pinyin import name_sort_key
from residents.services import community_stats_refresh
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def _list(client, community, **params):
    return client.get(
        reverse("residents:resident_list", args=[community.slug]), params
    ).content.decode()


def test_sort_key_is_pinyin_then_tone_with_surname_readings():
    names = ["余秀英", "王秀英", "林晓红", "李大爷", "蔡晨", "曾国藩", "张三"]
    assert sorted(names, key=name_sort_key) == [
        "蔡晨",
        "李大爷",
        "林晓红",
        "王秀英",
        "余秀英",
        "曾国藩",  # zeng as a surname, not ceng
        "张三",
    ]
    assert name_sort_key("Anna 王") == "anna wang2"
    assert name_sort_key("") == ""


def test_list_is_in_pinyin_order_not_character_code(login, community, staff_user):
    for name in ["余秀英", "王秀英", "蔡晨", "林晓红"]:
        services.resident_create(community=community, name=name)
    html = _list(login(staff_user), community)
    positions = [html.index(name) for name in ["蔡晨", "林晓红", "王秀英", "余秀英"]]
    assert positions == sorted(positions)


def test_every_way_of_writing_a_name_keeps_the_sort_key(community):
    resident = services.resident_create(community=community, name="余秀英")
    assert Resident.objects.get(pk=resident.pk).name_pinyin == "yu2 xiu4 ying1"
    services.resident_update(resident=resident, name="王秀英")
    assert Resident.objects.get(pk=resident.pk).name_pinyin == "wang2 xiu4 ying1"
    # The importer and the demo write in bulk.
    Resident.objects.bulk_create([Resident(community=community, name="林晓红")])
    assert Resident.objects.get(name="林晓红").name_pinyin == "lin2 xiao3 hong2"


def test_migration_fills_the_sort_key_of_existing_residents(community):
    ResidentFactory(community=community, name="余秀英")
    Resident.objects.update(name_pinyin="")
    migration = importlib.import_module(
        "residents.migrations.0007_resident_name_pinyin"
    )
    migration.fill_name_pinyin(django_apps, None)
    assert Resident.objects.get().name_pinyin == "yu2 xiu4 ying1"


def test_page_numbers_and_a_jump_to_a_page(login, community, staff_user, settings):
    ResidentFactory.create_batch(26 * 6, community=community)
    html = _list(login(staff_user), community, page=3)
    for number in (1, 2, 4, 5, 7):
        assert f"page={number}" in html
    assert 'aria-current="page"><span class="page-link">3</span>' in html
    assert 'name="page"' in html and 'max="7"' in html  # the jump


def test_jump_keeps_the_filters(login, community, staff_user):
    ResidentFactory.create_batch(60, community=community, building="3")
    html = _list(login(staff_user), community, building="3", tag="")
    assert '<input type="hidden" name="building" value="3">' in html
    assert "building=3&amp;page=2" in html


def test_filter_by_building(login, community, staff_user):
    ResidentFactory(community=community, name="林晓红", building="3")
    ResidentFactory(community=community, name="王秀英", building="12")
    client = login(staff_user)
    html = _list(client, community, building="3")
    assert "林晓红" in html and "王秀英" not in html
    # Buildings are offered 3 before 12, and an unknown one shows everyone.
    assert html.index('value="3"') < html.index('value="12"')
    html = _list(client, community, building="99")
    assert "林晓红" in html and "王秀英" in html


def test_filter_by_building_and_tag_together(login, community, staff_user):
    ResidentFactory(community=community, name="林晓红", building="3")
    ResidentFactory(
        community=community, name="陈阿公", building="3", is_elderly_alone=True
    )
    ResidentFactory(
        community=community, name="王阿婆", building="4", is_elderly_alone=True
    )
    html = _list(login(staff_user), community, building="3", tag="is_elderly_alone")
    assert "陈阿公" in html
    assert "林晓红" not in html and "王阿婆" not in html


def test_residents_list_runs_the_same_queries_at_two_sizes(
    login, community, staff_user, django_assert_max_num_queries
):
    client = login(staff_user)
    ResidentFactory.create_batch(5, community=community)
    community_stats_refresh(community_id=community.pk)  # as the services keep it
    with django_assert_max_num_queries(12) as few:
        _list(client, community, page=1)
    ResidentFactory.create_batch(300, community=community)
    community_stats_refresh(community_id=community.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        _list(client, community, page=5)
