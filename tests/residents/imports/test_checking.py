"""The import checks rows: the row report, columns chosen by hand, missing mobiles, duplicates."""

import pytest

from residents import importing, services
from residents.models import ImportStatus, Resident, ResidentImport
from tests.factories import ResidentFactory

from .helpers import GOOD_CSV, run, upload, url, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_row_report_lists_each_problem(login, staff_user, community):
    ResidentFactory(community=community, name="已登记", mobile="13859000000")
    data = (
        "姓名,手机,出生年份,标签\n"
        "好人,13859001111,1950,\n"  # row 2 ok
        ",13859002222,1950,\n"  # row 3 missing name
        "坏号码,12345,1950,\n"  # row 4 bad mobile
        "重复,13859001111,1950,\n"  # row 5 duplicate of row 2
        "老住户,13859000000,1950,\n"  # row 6 already registered
        "未来人,13859003333,2999,\n"  # row 7 bad year
        "怪标签,13859004444,1950,富豪\n"  # row 8 unknown tag
        ",,,\n"  # blank: skipped
        "无手机,,,\n"  # row 10 ok
    ).encode()
    response = upload(login(staff_user), community, "r.csv", data)
    resident_import = ResidentImport.objects.get()
    assert response.status_code == 302
    assert resident_import.status == ImportStatus.READY
    assert resident_import.total_rows == 8
    assert resident_import.valid_rows == 2
    report = {
        item["row"]: " ".join(item["problems"]) for item in resident_import.report
    }
    assert set(report) == {3, 4, 5, 6, 7, 8}
    assert "姓名" in report[3]
    assert "12345" in report[4]
    assert "第 2 行" in report[5]
    assert "已登记" in report[6]
    assert "2999" in report[7]
    assert "富豪" in report[8]
    # Nothing is written before confirming.
    assert Resident.objects.filter(community=community).count() == 1


def test_a_row_with_several_problems_lists_them_all():
    data = (
        "姓名,手机,标签\n"
        "好人,13859001111,\n"
        ",13859001111,富豪\n"  # missing name, duplicate, unknown tag
        ",13859002222,\n"  # invalid: does not take the number
        "后来人,13859002222,\n"  # so this row is fine
    ).encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert [row["name"] for row in parsed.rows] == ["好人", "后来人"]
    problems = parsed.report[0]["problems"]
    assert parsed.report[0]["row"] == 3
    assert len(problems) == 3


def test_preview_page_shows_columns_first_rows_and_report(login, staff_user, community):
    client = login(staff_user)
    data = (GOOD_CSV + "坏号码,999,5,1,101,X,1960,\n").encode()
    response = upload(client, community, "居民.csv", data)
    page = client.get(response["Location"])
    content = page.content.decode()
    assert "“手机” → 手机号" in content
    assert "“姓名” → 姓名" in content
    assert "林秀英" in content  # first rows
    assert "第 5 行" in content
    assert "导入 3 位居民" in content


def test_heading_above_the_titles_is_skipped_and_rows_keep_their_numbers():
    data = xlsx_bytes(
        [
            ["汀塘社区居民花名册", None, None],
            [None, None, None],
            ["序号", "姓名", "联系电话"],
            [1, "林秀英", "13859001234"],
            [2, "陈阿伯", "555"],
        ]
    )
    parsed = importing.parse_file(
        file_name="花名册.xlsx", data=data, existing_mobiles=lambda m: set()
    )
    assert [row["row"] for row in parsed.rows] == [4]
    assert [item["row"] for item in parsed.report] == [5]
    assert parsed.preview[0] == ["1", "林秀英", "13859001234"]


def test_xlsx_with_a_bad_row(login, staff_user, community):
    data = xlsx_bytes(
        [
            ["姓名", "手机号码", "楼栋", "单元", "房号", "出生年份"],
            ["林秀英", 13859001234, 3, 1, 201, 1948],
            ["陈阿伯", "1385900", 3, 1, 202, 1950.0],
            ["黄小华", "138-5900-5678", 4, 2, 301, None],
        ]
    )
    client = login(staff_user)
    upload(client, community, "居民.xlsx", data)
    resident_import = ResidentImport.objects.get()
    assert resident_import.file_format == "xlsx"
    assert resident_import.valid_rows == 2
    assert [item["row"] for item in resident_import.report] == [3]
    client.post(url("import_confirm", community, pk=resident_import.pk))
    run(resident_import)
    lin = Resident.objects.get(community=community, name="林秀英")
    assert (lin.mobile, lin.building, lin.room, lin.birth_year) == (
        "13859001234",
        "3",
        "201",
        1948,
    )
    assert not Resident.objects.filter(name="陈阿伯").exists()


NO_MOBILE_CSV = (
    "姓名,户主电话,楼栋,身份证号\n"
    "林秀英,13859001234,3,350301194805170021\n"
    "黄大明,138 5900 5678,4,350301197511020012\n"
    "陈坏号,12345,5,350301196001010013\n"
)


def test_unrecognised_columns_get_a_choice_and_the_rows_are_checked_again(
    login, staff_user, community
):
    client = login(staff_user)
    upload(client, community, "r.csv", NO_MOBILE_CSV.encode())
    resident_import = ResidentImport.objects.get()
    assert resident_import.valid_rows == 3  # nothing looked wrong without mobiles
    page = client.get(resident_import.get_absolute_url()).content.decode()
    assert 'name="column_1"' in page and 'name="column_3"' in page
    assert 'name="column_0"' not in page  # 姓名 was recognised
    assert "没有一列是手机号" in page
    response = client.post(
        url("import_columns", community, pk=resident_import.pk),
        {"column_1": "mobile", "column_3": "notes"},
    )
    assert response.status_code == 302
    resident_import.refresh_from_db()
    assert not resident_import.lacks_mobile_column
    assert resident_import.valid_rows == 2
    assert [item["row"] for item in resident_import.report] == [4]
    assert "12345" in resident_import.report[0]["problems"][0]
    page = client.get(resident_import.get_absolute_url()).content.decode()
    assert "没有一列是手机号" not in page
    assert "第 4 行" in page
    client.post(url("import_confirm", community, pk=resident_import.pk))
    run(resident_import)
    huang = Resident.objects.get(community=community, name="黄大明")
    assert huang.mobile == "13859005678"
    assert huang.notes == "身份证号：350301197511020012"


def test_one_field_cannot_take_two_columns(login, staff_user, community):
    client = login(staff_user)
    upload(client, community, "r.csv", NO_MOBILE_CSV.encode())
    resident_import = ResidentImport.objects.get()
    response = client.post(
        url("import_columns", community, pk=resident_import.pk),
        {"column_1": "building", "column_3": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能都导入到" in page and "户主电话" in page
    resident_import.refresh_from_db()
    assert resident_import.columns[1]["field"] == ""


def test_an_untitled_column_that_holds_values_can_be_chosen_too(
    login, staff_user, community
):
    data = "姓名,手机,\n林秀英,13859001234,独居\n".encode()
    client = login(staff_user)
    upload(client, community, "r.csv", data)
    resident_import = ResidentImport.objects.get()
    page = client.get(resident_import.get_absolute_url()).content.decode()
    assert "无标题的第 C 列" in page and 'name="column_2"' in page
    client.post(
        url("import_columns", community, pk=resident_import.pk), {"column_2": "tags"}
    )
    resident_import.refresh_from_db()
    assert resident_import.rows[0]["is_elderly_alone"] is True


def test_columns_cannot_change_after_confirm(login, staff_user, community):
    client = login(staff_user)
    upload(client, community, "r.csv", NO_MOBILE_CSV.encode())
    resident_import = ResidentImport.objects.get()
    services.resident_import_confirm(
        resident_import=resident_import, accept_no_mobile_column=True
    )
    response = client.post(
        url("import_columns", community, pk=resident_import.pk), {"column_1": "mobile"}
    )
    assert response.status_code == 200
    resident_import.refresh_from_db()
    assert resident_import.columns[1]["field"] == ""
    assert resident_import.status == ImportStatus.QUEUED


def test_file_without_a_mobile_column_needs_explicit_confirmation(
    login, staff_user, community, django_capture_on_commit_callbacks
):
    client = login(staff_user)
    upload(client, community, "r.csv", NO_MOBILE_CSV.encode())
    resident_import = ResidentImport.objects.get()
    assert resident_import.lacks_mobile_column
    page = client.get(resident_import.get_absolute_url()).content.decode()
    assert 'name="accept_no_mobile_column"' in page
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url("import_confirm", community, pk=resident_import.pk))
    assert response.status_code == 200
    assert "没有一列是手机号" in response.content.decode()
    assert callbacks == []
    resident_import.refresh_from_db()
    assert resident_import.status == ImportStatus.READY
    client.post(
        url("import_confirm", community, pk=resident_import.pk),
        {"accept_no_mobile_column": "on"},
    )
    run(resident_import)
    assert resident_import.status == ImportStatus.DONE
    assert Resident.objects.filter(community=community, mobile="").count() == 3


NO_MOBILE_ROWS = (
    "姓名,手机,楼栋,单元,房号\n"
    "陈小宝,,3,1,202\n"
    "林秀英,13859001234,3,1,201\n"
    "郑阿婆,,后埔12号,,\n"
)


def test_importing_the_same_file_twice_does_not_duplicate_residents_without_mobile(
    login, staff_user, community
):
    client = login(staff_user)
    upload(client, community, "r.csv", NO_MOBILE_ROWS.encode())
    first = ResidentImport.objects.get()
    client.post(url("import_confirm", community, pk=first.pk))
    run(first)
    assert Resident.objects.filter(community=community).count() == 3

    upload(client, community, "r.csv", NO_MOBILE_ROWS.encode())
    second = ResidentImport.objects.exclude(pk=first.pk).get()
    assert (second.valid_rows, second.warning_rows, second.error_rows) == (0, 2, 1)
    page = client.get(second.get_absolute_url()).content.decode()
    assert "需要确认的行" in page
    assert "第 2 行" in page and "第 4 行" in page
    assert "可能是同一个人" in page
    assert 'name="include_possible_duplicates"' in page
    response = client.post(url("import_confirm", community, pk=second.pk))
    assert "没有可以导入的行" in response.content.decode()
    second.refresh_from_db()
    assert second.status == ImportStatus.READY
    assert Resident.objects.filter(community=community).count() == 3


def test_possible_duplicates_are_imported_when_staff_confirm_them(
    login, staff_user, community
):
    ResidentFactory(
        community=community,
        name="陈小宝",
        mobile="",
        building="3号楼",
        unit="1",
        room="202",
    )
    data = (
        "姓名,手机,楼栋,单元,房号\n"
        "陈小宝,,3,1,202\n"  # the registered one (3 = 3号楼)
        "陈小宝,,3,1,203\n"  # another address: a different child
        "王二,,6,1,101\n"
        "王二,,6,1,101\n"  # twice in the file
    ).encode()
    client = login(staff_user)
    upload(client, community, "r.csv", data)
    resident_import = ResidentImport.objects.get()
    warned = {
        row["row"]: row["warnings"][0]["message"]
        for row in resident_import.rows
        if row["warnings"]
    }
    assert set(warned) == {2, 5}
    assert "已在本社区登记" in warned[2]
    assert "第 4 行" in warned[5]
    client.post(
        url("import_confirm", community, pk=resident_import.pk),
        {"include_possible_duplicates": "on"},
    )
    run(resident_import)
    assert resident_import.imported_count == 4
    assert Resident.objects.filter(community=community, name="陈小宝").count() == 3


def test_a_namesake_registered_after_the_check_is_not_imported(
    login, staff_user, community
):
    client = login(staff_user)
    upload(client, community, "r.csv", NO_MOBILE_ROWS.encode())
    resident_import = ResidentImport.objects.get()
    services.resident_import_confirm(resident_import=resident_import)
    ResidentFactory(
        community=community,
        name="郑阿婆",
        mobile="",
        building="后埔12号",
        unit="",
        room="",
    )
    run(resident_import)
    assert resident_import.imported_count == 2
    assert [item["row"] for item in resident_import.report] == [4]
    assert Resident.objects.filter(community=community, name="郑阿婆").count() == 1
