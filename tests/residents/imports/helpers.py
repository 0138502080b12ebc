"""What the import tests share: a good file, URLs, uploads, running the import."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from residents.tasks import run_resident_import

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
