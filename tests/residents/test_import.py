import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from residents import importing, services
from residents.models import ImportStatus, Resident, ResidentImport
from residents.services.imports import _existing_mobiles
from residents.tasks import run_resident_import
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "姓名,手机,楼栋,单元,房号,户号,出生年份,标签\n"
    "林秀英,13859001234,3,1,201,TT-1,1948,独居老人\n"
    "陈小宝,,3,1,202,TT-2,2016,留守儿童、残疾\n"
    "黄大明,+86 138 5900 5678,4,2,301,TT-3,1975,\n"
)


def url(name, community, **kwargs):
    return reverse(f"residents:{name}", kwargs={"community": community.slug, **kwargs})


def upload(client, community, name, data):
    return client.post(
        url("import_start", community), {"file": SimpleUploadedFile(name, data)}
    )


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(resident_import):
    """What the Celery worker does after confirm (the broker is in memory here)."""
    run_resident_import(resident_import.pk)
    resident_import.refresh_from_db()
    return resident_import


# -- reading files -------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        GOOD_CSV.encode("utf-8"),
        GOOD_CSV.encode("utf-8-sig"),
        GOOD_CSV.encode("gbk"),
        GOOD_CSV.encode("gb18030"),
        GOOD_CSV.encode("utf-16"),
        GOOD_CSV.replace(",", "\t").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16", "tabs"],
)
def test_csv_encodings_are_detected(data):
    parsed = importing.parse_file(
        file_name="居民.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert [row["name"] for row in parsed.rows] == ["林秀英", "陈小宝", "黄大明"]
    assert parsed.rows[0]["is_elderly_alone"] is True
    assert parsed.rows[1]["is_left_behind_child"] is True
    assert parsed.rows[1]["has_disability"] is True
    assert parsed.rows[2]["mobile"] == "13859005678"
    assert parsed.report == []


def test_english_headers_are_mapped():
    data = b"Name,Mobile,Building,Unit,Room,Household,Year of birth,Tags,Shoe size\nLin,13859001234,3,1,201,H1,1950,elderly living alone,42\n"
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert parsed.rows[0]["building"] == "3"
    assert parsed.rows[0]["birth_year"] == 1950
    ignored = [c["header"] for c in parsed.columns if not c["field"]]
    assert ignored == ["Shoe size"]


def test_undecodable_file_has_a_clear_error(login, staff_user, community):
    data = "姓名,手机\n".encode() + b"\x80\x81\xff\xfe\xfd\n"
    response = upload(login(staff_user), community, "居民.csv", data)
    assert response.status_code == 200
    assert "CSV UTF-8" in str(response.context["form"].errors["file"])
    assert ResidentImport.objects.count() == 0


def test_binary_file_named_csv_is_refused(login, staff_user, community):
    response = upload(
        login(staff_user), community, "photo.csv", b"\x89PNG\x00\x00\x00\x01"
    )
    assert "不是文本" in response.content.decode()


def test_file_without_name_column_is_refused(login, staff_user, community):
    data = "手机,楼栋\n13859001234,3\n".encode()
    response = upload(login(staff_user), community, "x.csv", data)
    assert "姓名" in str(response.context["form"].errors["file"])


def test_wrong_extension_and_old_excel_are_refused(login, staff_user, community):
    client = login(staff_user)
    response = upload(client, community, "notes.pdf", b"%PDF-1.4")
    assert "file" in response.context["form"].errors
    response = upload(client, community, "old.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100)
    assert ".xlsx" in str(response.context["form"].errors["file"])


def test_corrupt_xlsx_is_refused(login, staff_user, community):
    response = upload(login(staff_user), community, "r.xlsx", b"PK\x03\x04broken")
    assert "Excel" in str(response.context["form"].errors["file"])


def test_empty_file_is_refused(login, staff_user, community):
    response = upload(login(staff_user), community, "r.csv", "姓名,手机\n".encode())
    assert "file" in response.context["form"].errors


# -- the row report ------------------------------------------------------------


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


# -- confirm and cancel -------------------------------------------------------


def test_confirm_imports_valid_rows_in_the_task(
    login, staff_user, community, django_capture_on_commit_callbacks
):
    client = login(staff_user)
    upload(client, community, "r.csv", GOOD_CSV.encode())
    resident_import = ResidentImport.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url("import_confirm", community, pk=resident_import.pk))
    assert response.status_code == 302
    assert len(callbacks) == 1  # the task is queued on commit
    resident_import.refresh_from_db()
    assert resident_import.status == ImportStatus.QUEUED
    page = client.get(resident_import.get_absolute_url()).content.decode()
    assert 'hx-get="' in page and "/progress/" in page  # polls while it runs
    run(resident_import)
    assert resident_import.status == ImportStatus.DONE
    assert resident_import.imported_count == 3
    assert resident_import.progress == 100
    assert resident_import.rows == []
    assert Resident.objects.filter(community=community).count() == 3
    progress = client.get(
        url("import_progress", community, pk=resident_import.pk),
        headers={"HX-Request": "true"},
    )
    assert progress["HX-Refresh"] == "true"
    assert "100%" in progress.content.decode()


def test_broker_down_reopens_the_import_with_a_message(
    login, staff_user, community, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(run_resident_import, "delay", broker_down)
    client = login(staff_user)
    upload(client, community, "r.csv", GOOD_CSV.encode())
    resident_import = ResidentImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import_confirm", community, pk=resident_import.pk))
    assert response.status_code == 302
    resident_import.refresh_from_db()
    assert resident_import.status == ImportStatus.READY
    page = client.get(resident_import.get_absolute_url()).content.decode()
    assert "无法连接后台任务" in page
    assert 'id="confirm-import"' in page  # the person can try again


def test_a_long_wait_in_the_queue_is_explained(login, staff_user, community):
    import datetime

    import time_machine

    client = login(staff_user)
    upload(client, community, "r.csv", GOOD_CSV.encode())
    resident_import = ResidentImport.objects.get()
    client.post(url("import_confirm", community, pk=resident_import.pk))
    progress = url("import_progress", community, pk=resident_import.pk)
    assert "后台任务可能没有运行" not in client.get(progress).content.decode()
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=3)
    with time_machine.travel(later):
        assert "后台任务可能没有运行" in client.get(progress).content.decode()


def test_confirm_twice_imports_once(login, staff_user, community):
    client = login(staff_user)
    upload(client, community, "r.csv", GOOD_CSV.encode())
    resident_import = ResidentImport.objects.get()
    client.post(url("import_confirm", community, pk=resident_import.pk))
    response = client.post(url("import_confirm", community, pk=resident_import.pk))
    assert response.status_code == 302
    run(resident_import)
    run(resident_import)  # a redelivered task does nothing more
    assert Resident.objects.filter(community=community).count() == 3


def test_cancel_writes_nothing(login, staff_user, community):
    client = login(staff_user)
    upload(client, community, "r.csv", GOOD_CSV.encode())
    resident_import = ResidentImport.objects.get()
    response = client.post(url("import_cancel", community, pk=resident_import.pk))
    assert response.status_code == 302
    resident_import.refresh_from_db()
    assert resident_import.status == ImportStatus.CANCELLED
    assert resident_import.rows == []
    # Neither a late confirm nor a stray task writes anything.
    client.post(url("import_confirm", community, pk=resident_import.pk))
    run(resident_import)
    assert Resident.objects.filter(community=community).count() == 0


def test_rows_registered_after_preview_go_to_the_report(login, staff_user, community):
    client = login(staff_user)
    upload(client, community, "r.csv", GOOD_CSV.encode())
    resident_import = ResidentImport.objects.get()
    # Someone registers one of the people by hand before the import is confirmed.
    ResidentFactory(community=community, name="黄大明", mobile="13859005678")
    services.resident_import_confirm(resident_import=resident_import)
    run(resident_import)
    assert resident_import.status == ImportStatus.DONE
    assert resident_import.imported_count == 2
    assert [item["row"] for item in resident_import.report] == [4]
    assert (
        Resident.objects.filter(community=community, mobile="13859005678").count() == 1
    )


def test_import_is_all_or_nothing_when_the_database_refuses(
    login, staff_user, community
):
    client = login(staff_user)
    upload(client, community, "r.csv", GOOD_CSV.encode())
    resident_import = ResidentImport.objects.get()
    services.resident_import_confirm(resident_import=resident_import)
    # Corrupt one stored row so the database refuses it (name too long for
    # SQLite is not enforced, so use a duplicate mobile inside the batch).
    rows = resident_import.rows
    rows[2]["mobile"] = rows[0]["mobile"]
    ResidentImport.objects.filter(pk=resident_import.pk).update(rows=rows)
    run(resident_import)
    assert resident_import.status == ImportStatus.FAILED
    assert resident_import.failure
    assert Resident.objects.filter(community=community).count() == 0


def test_problem_rows_download(login, staff_user, community):
    client = login(staff_user)
    upload(
        client,
        community,
        "r.csv",
        (GOOD_CSV + "陈坏号,12345,5,1,101,X,1960,\n").encode(),
    )
    resident_import = ResidentImport.objects.get()
    page = client.get(resident_import.get_absolute_url()).content.decode()
    download = url("import_report", community, pk=resident_import.pk)
    assert download in page
    response = client.get(download)
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "行号,姓名,问题"
    assert text.splitlines()[1].startswith("5,陈坏号,")
    assert "12345" in text


def test_template_download(login, staff_user, community):
    response = login(staff_user).get(url("import_template", community))
    assert response["Content-Type"].startswith("text/csv")
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = importing.parse_file(
        file_name="t.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert len(parsed.rows) == 1 and parsed.report == []


# -- isolation ---------------------------------------------------------------


def test_imports_are_private_to_their_community(
    login, staff_user, other_staff_user, community, other_community
):
    upload(login(staff_user), community, "r.csv", GOOD_CSV.encode())
    resident_import = ResidentImport.objects.get()
    client = login(other_staff_user)
    for name in ("import_detail", "import_progress"):
        assert (
            client.get(url(name, community, pk=resident_import.pk)).status_code == 403
        )
        assert (
            client.get(url(name, other_community, pk=resident_import.pk)).status_code
            == 404
        )
    for name in ("import_confirm", "import_cancel", "import_columns"):
        assert (
            client.post(url(name, other_community, pk=resident_import.pk)).status_code
            == 404
        )
    resident_import.refresh_from_db()
    assert resident_import.status == ImportStatus.READY


@pytest.mark.parametrize(
    "person", ["social_worker", "resident_user", "district_officer", "other_staff_user"]
)
def test_only_staff_can_import(request, login, community, person):
    client = login(request.getfixturevalue(person))
    assert client.get(url("import_start", community)).status_code == 403
    assert upload(client, community, "r.csv", GOOD_CSV.encode()).status_code == 403
    assert ResidentImport.objects.count() == 0


@pytest.mark.parametrize("size", [2, 30])
def test_import_pages_query_budget(
    login, staff_user, community, size, django_assert_max_num_queries
):
    rows = "".join(f"人{i},1385{i:07d},1,1,101,,1950,\n" for i in range(size))
    client = login(staff_user)
    for _ in range(min(size, 12)):
        upload(
            client,
            community,
            "r.csv",
            ("姓名,手机,楼栋,单元,房号,户号,出生年份,标签\n" + rows).encode(),
        )
    resident_import = ResidentImport.objects.first()
    with django_assert_max_num_queries(8):
        assert client.get(url("import_start", community)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(resident_import.get_absolute_url()).status_code == 200
    progress = url("import_progress", community, pk=resident_import.pk)
    with django_assert_max_num_queries(5):
        assert client.get(progress, headers={"HX-Request": "true"}).status_code == 200


# -- mobile numbers in files -----------------------------------------------------


def test_full_width_and_excel_numbers_are_read_and_compared_as_digits(community):
    ResidentFactory(community=community, name="老住户", mobile="13859000000")
    data = xlsx_bytes(
        [
            ["姓名", "手机"],
            ["全角", "１３８５９００１１１１"],
            ["一位全角", "13８59000000"],  # the registered number, one digit typed wide
            ["区号", "＋86 138 5900 2222"],
            ["科学计数", "1.3859003333e+10"],
            ["浮点", 13859004444.0],
        ]
    )
    parsed = importing.parse_file(
        file_name="r.xlsx",
        data=data,
        existing_mobiles=_existing_mobiles(community),
    )
    assert [(r["name"], r["mobile"]) for r in parsed.rows] == [
        ("全角", "13859001111"),
        ("区号", "13859002222"),
        ("科学计数", "13859003333"),
        ("浮点", "13859004444"),
    ]
    assert [(item["row"], item["name"]) for item in parsed.report] == [(3, "一位全角")]
    assert "13859000000" in parsed.report[0]["problems"][0]


# -- office headers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "cell", "column", "field", "value"),
    [
        ("住址", "3号楼1单元201室", "address", "building", "3"),
        ("楼栋/门牌", "后埔12号", "building", "building", "后埔12号"),
        ("楼栋号", "7", "building", "building", "7"),
        ("门牌", "12号", "room", "room", "12号"),
        ("联系方式", "13859001234", "mobile", "mobile", "13859001234"),
        ("联系电话", "138 5900 1234", "mobile", "mobile", "13859001234"),
        ("出生日期", "1956-03-01", "birth_date", "birth_date", "1956-03-01"),
        ("出生年月", "195603", "birth_date", "birth_date", "1956-03-01"),
    ],
)
def test_common_office_headers_are_recognised(title, cell, column, field, value):
    data = f"姓名,{title}\n林秀英,{cell}\n".encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert [c["field"] for c in parsed.columns] == ["name", column]
    assert parsed.report == []
    assert parsed.rows[0][field] == value


def test_an_address_is_split_into_building_unit_and_room():
    data = (
        "姓名,住址\n"
        "林秀英,3号楼1单元201室\n"
        "黄大明,4-2-301\n"
        "陈阿伯,汀塘村5栋102\n"
        "郑阿婆,后埔村12号\n"
    ).encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert [(r["building"], r["unit"], r["room"]) for r in parsed.rows] == [
        ("3", "1", "201"),
        ("4", "2", "301"),
        ("汀塘村5栋", "", "102"),
        ("后埔村12号", "", ""),
    ]


def test_an_address_that_contradicts_the_building_column_is_reported():
    data = "姓名,楼栋,住址\n林秀英,4,3号楼1单元201室\n".encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert parsed.rows == []
    assert "3号楼1单元201室" in parsed.report[0]["problems"][0]


# -- dates of birth -------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1956-03-01", datetime.date(1956, 3, 1)),
        ("1956/3/1", datetime.date(1956, 3, 1)),
        ("1956.3.1", datetime.date(1956, 3, 1)),
        ("1956年3月1日", datetime.date(1956, 3, 1)),
        ("1956年3月", datetime.date(1956, 3, 1)),
        ("19560301", datetime.date(1956, 3, 1)),
        ("195603", datetime.date(1956, 3, 1)),
        ("1956.03", datetime.date(1956, 3, 1)),
        ("1956", None),
    ],
)
def test_text_dates_of_birth_are_kept_as_dates(cell, expected):
    data = f"姓名,出生年月\n林秀英,{cell}\n".encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    row = parsed.rows[0]
    assert row["birth_year"] == 1956
    assert row["birth_date"] == (expected.isoformat() if expected else None)


def test_excel_date_cells_are_imported_as_dates_not_years(login, staff_user, community):
    data = xlsx_bytes(
        [
            ["姓名", "手机", "出生日期"],
            ["林秀英", "13859001234", datetime.datetime(1948, 5, 17)],
            ["黄大明", "13859005678", datetime.date(1975, 11, 2)],
        ]
    )
    client = login(staff_user)
    upload(client, community, "r.xlsx", data)
    resident_import = ResidentImport.objects.get()
    client.post(url("import_confirm", community, pk=resident_import.pk))
    run(resident_import)
    lin = Resident.objects.get(community=community, name="林秀英")
    assert (lin.birth_date, lin.birth_year) == (datetime.date(1948, 5, 17), 1948)
    huang = Resident.objects.get(community=community, name="黄大明")
    assert huang.birth_date == datetime.date(1975, 11, 2)
    page = client.get(huang.get_absolute_url()).content.decode()
    assert "1975年11月2日" in page


def test_impossible_dates_of_birth_are_reported():
    data = "姓名,出生日期\n甲,1956-02-30\n乙,昨天\n丙,1890-01-01\n".encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert parsed.rows == []
    report = {item["name"]: " ".join(item["problems"]) for item in parsed.report}
    assert "1956-02-30" in report["甲"]
    assert "昨天" in report["乙"]
    assert "1890" in report["丙"]


# -- choosing columns by hand -------------------------------------------------------


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


# -- a file without mobile numbers ---------------------------------------------------


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


# -- possible duplicates without a mobile number ---------------------------------------


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


# -- characters lost by the file's encoding ---------------------------------------------


def test_a_question_mark_where_gbk_lost_a_character_needs_confirmation(
    login, staff_user, community
):
    data = ("姓名,手机,楼栋\n?野家,13859001234,3\n林秀英,13859005678,3\n").encode("gbk")
    client = login(staff_user)
    upload(client, community, "r.csv", data)
    resident_import = ResidentImport.objects.get()
    assert (resident_import.valid_rows, resident_import.warning_rows) == (1, 1)
    page = client.get(resident_import.get_absolute_url()).content.decode()
    assert "?野家" in page and "GBK" in page
    assert 'name="include_unreadable_text"' in page
    client.post(url("import_confirm", community, pk=resident_import.pk))
    run(resident_import)
    assert list(
        Resident.objects.filter(community=community).values_list("name", flat=True)
    ) == ["林秀英"]
    assert "?野家" in " ".join(resident_import.report[0]["problems"])


def test_a_replacement_character_in_a_utf8_file_is_flagged():
    data = "姓名,备注\n林\ufffd英,独居\n".encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert parsed.rows[0]["warnings"][0]["kind"] == importing.UNREADABLE_TEXT


def test_question_marks_in_notes_are_fine():
    data = "姓名,备注\n林秀英,是否独居?\n".encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert parsed.rows[0]["warnings"] == []


# -- files the import writes ------------------------------------------------------


def test_problem_report_cannot_run_formulas(login, staff_user, community):
    data = (
        "姓名,手机\n"
        '"=HYPERLINK(""http://example.invalid"",""点这里"")",12345\n'
        "+8613800138000,999\n"
        "@SUM(A1),888\n"
        "-5,777\n"
    ).encode()
    client = login(staff_user)
    upload(client, community, "r.csv", data)
    resident_import = ResidentImport.objects.get()
    response = client.get(url("import_report", community, pk=resident_import.pk))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert names == [
        '\'=HYPERLINK("http://example.invalid","点这里")',
        "'+8613800138000",
        "'@SUM(A1)",
        "-5",  # a plain negative number stays a number
    ]
    for row in rows[1:]:
        assert not row[2].startswith(("=", "+", "-", "@"))


def test_a_guarded_cell_reads_back_as_what_it_was():
    data = "姓名,手机\n'=张三,13859001234\n".encode()
    parsed = importing.parse_file(
        file_name="r.csv", data=data, existing_mobiles=lambda m: set()
    )
    assert parsed.rows[0]["name"] == "=张三"
