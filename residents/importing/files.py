"""The files the import hands out: the problem report and the template."""

from django.utils.translation import gettext as _

from core.spreadsheets import csv_bytes

from .fields import TEMPLATE_EXAMPLE, TEMPLATE_HEADERS


def report_csv(report: list[dict]) -> bytes:
    """The rows that cannot be imported, as CSV for Excel (UTF-8 with BOM)."""
    return csv_bytes(
        [
            [_("Row"), _("Name"), _("Problems")],
            *(
                [item["row"], item["name"], " ".join(item["problems"])]
                for item in report
            ),
        ]
    )


def template_csv() -> bytes:
    """A CSV template with Chinese column titles and one example row (UTF-8 BOM)."""
    return csv_bytes([TEMPLATE_HEADERS, TEMPLATE_EXAMPLE])
