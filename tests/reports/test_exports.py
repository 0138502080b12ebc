"""Exports: the right rows, safe cells, dates in Beijing time, headers in the
asker's language, residents masked and recorded, files deleted after a day."""

import csv
import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Export, ExportStatus
from reports.services import export_request, export_run, exports_expire
from residents.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _run(town, kind, file_format="xlsx", *, by=None, **kwargs):
    export = export_request(
        community=town.community,
        by=by or town.staff,
        kind=kind,
        file_format=file_format,
        **kwargs,
    )
    return export_run(export=Export.objects.get(pk=export.pk))


def _sheet(export):
    with export.file.open("rb") as f:
        workbook = load_workbook(io.BytesIO(f.read()))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_topics_as_xlsx_in_chinese_with_safe_cells_and_beijing_dates(town):
    export = _run(town, "topics", language="zh-hans")
    assert export.status == ExportStatus.DONE
    assert (export.total_rows, export.rows_written, export.progress) == (3, 3, 100)
    rows = _sheet(export)
    assert rows[0][:4] == ["编号", "标题", "类别", "状态"]
    assert len(rows) == 4
    by_title = {row[1]: row for row in rows[1:]}
    assert '\'=HYPERLINK("x")' in by_title  # a formula is text, not run
    t1 = by_title["修三号楼路灯"]
    assert t1[4] == datetime(2026, 11, 5, 12, 0)  # 12:00 in Beijing
    assert t1[5] == "阿英"
    assert "东峤的路" not in by_title  # another community's topic


def test_topics_as_csv_in_english(town):
    export = _run(town, "topics", "csv", language="en")
    with export.file.open("rb") as f:
        text = f.read().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Number", "Title", "Category", "Status"]
    assert len(rows) == 4
    assert rows[1][4] == "2026-11-05 12:00:00"


def test_attendance_of_one_meeting(town):
    export = _run(town, "attendance", meeting=town.meetings[0], language="zh-hans")
    rows = _sheet(export)
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [
        ("阿英", "现场出席", "否"),
        ("伯伯", "现场出席", "是"),
    ]


def test_residents_are_masked_unless_staff_ask_and_every_export_is_recorded(town):
    resident = town.residents["ying"]
    masked = _run(town, "residents", language="zh-hans")
    rows = _sheet(masked)
    assert len(rows) == 6
    row = next(r for r in rows if r[0] == "阿英")
    assert row[1] == resident.masked_mobile and resident.mobile not in row
    full = _run(town, "residents", include_contact_details=True, language="zh-hans")
    row = next(r for r in _sheet(full) if r[0] == "阿英")
    assert row[1] == resident.mobile
    assert list(
        Export.objects.filter(kind="residents").values_list(
            "created_by", "include_contact_details"
        )
    ) == [(town.staff.pk, True), (town.staff.pk, False)]
    assert all(e.created_at for e in Export.objects.all())


def test_social_workers_cannot_export_residents(town):
    social_worker = UserFactory()
    MembershipFactory(
        user=social_worker, community=town.community, role=Role.SOCIAL_WORKER
    )
    with pytest.raises(PermissionDenied):
        export_request(
            community=town.community,
            by=social_worker,
            kind="residents",
            file_format="xlsx",
        )
    assert not Export.objects.exists()


def test_the_export_page_polls_then_downloads(client, town):
    client.force_login(town.staff)
    response = client.post(
        reverse("reports:exports", args=[town.community.slug]),
        {"kind": "topics", "file_format": "xlsx"},
    )
    export = Export.objects.get()
    assert response.status_code == 302 and response.url == export.get_absolute_url()
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'role="progressbar"' in page
    export_run(export=export)
    progress = client.get(
        reverse("reports:export_progress", args=[town.community.slug, export.pk]),
        headers={"HX-Request": "true"},
    )
    assert progress["HX-Refresh"] == "true"
    download = client.get(
        reverse("reports:export_download", args=[town.community.slug, export.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # a zip: .xlsx
    export.refresh_from_db()
    assert export.downloaded_at is not None


def test_another_communitys_staff_cannot_download(client, town):
    export = _run(town, "topics")
    other_staff = UserFactory()
    MembershipFactory(user=other_staff, community=town.other, role=Role.STAFF)
    client.force_login(other_staff)
    url = reverse("reports:export_download", args=[town.community.slug, export.pk])
    assert client.get(url).status_code == 403
    url = reverse("reports:export_download", args=[town.other.slug, export.pk])
    assert client.get(url).status_code == 404


def test_files_are_deleted_after_a_day_and_the_record_stays(town):
    with time_machine.travel(datetime(2026, 11, 28, 4, 0), tick=False):
        export = _run(town, "topics")
    path = export.file.path
    assert exports_expire(now=export.finished_at + timedelta(hours=23)) == 0
    assert exports_expire(now=export.finished_at + timedelta(hours=25)) == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not export.file
    import os

    assert not os.path.exists(path)
    assert Export.objects.filter(pk=export.pk, created_by=town.staff).exists()


def test_attendance_needs_a_meeting(client, town):
    client.force_login(town.staff)
    response = client.post(
        reverse("reports:exports", args=[town.community.slug]),
        {"kind": "attendance", "file_format": "csv"},
    )
    assert response.status_code == 200
    assert "请选择要导出签到的会议" in response.content.decode() or (
        "Choose the meeting" in response.content.decode()
    )
    assert not Export.objects.exists()


def test_outcomes_action_items_pledges_and_open_ballots(town, frozen):
    outcome = _sheet(_run(town, "outcomes", language="zh-hans"))
    assert len(outcome) == 2
    assert outcome[1][2] == "修好三号楼路灯。" and outcome[1][4] == "大东"
    assert outcome[1][6] == datetime(2026, 11, 25, 12, 0)
    assert outcome[1][9:] == [2, 4.0]
    items = _sheet(_run(town, "action_items", language="zh-hans"))
    assert sorted((r[1], r[6]) for r in items[1:]) == [
        ("买灯泡", "是"),
        ("请电工", "否"),
    ]
    pledges = _sheet(_run(town, "pledges", language="zh-hans"))
    assert [(r[2], r[3], r[5]) for r in pledges[1:]] == [("大东", 2, "个")]
    ballots = _sheet(_run(town, "ballots", language="zh-hans"))
    assert sorted(r[1] for r in ballots[1:]) == ["伯伯", "阿英"]


def test_secret_ballots_are_never_exported(town, frozen):
    from voting.models import VotingRound

    VotingRound.objects.update(ballot="secret")
    assert len(_sheet(_run(town, "ballots", language="zh-hans"))) == 1  # headers
