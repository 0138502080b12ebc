"""The import writes: confirm and cancel, isolation between communities, the files it writes."""

import csv
import io

import pytest

from residents import importing, services
from residents.models import ImportStatus, Resident, ResidentImport
from residents.tasks import run_resident_import
from tests.factories import ResidentFactory

from .helpers import GOOD_CSV, run, upload, url

pytestmark = pytest.mark.django_db


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
