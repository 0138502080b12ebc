"""The import reads files: encodings, formats, headers, mobiles, dates, lost characters."""

import datetime

import pytest

from residents import importing
from residents.models import Resident, ResidentImport
from residents.services.imports import _existing_mobiles
from tests.factories import ResidentFactory

from .helpers import GOOD_CSV, run, upload, url, xlsx_bytes

pytestmark = pytest.mark.django_db


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
