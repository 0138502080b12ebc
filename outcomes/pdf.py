"""The minutes as an A4 PDF, with the Chinese fonts embedded (WeasyPrint).

Fonts: Debian's fonts-noto-cjk ("Noto Sans CJK SC"); WeasyPrint embeds the glyphs
it uses. Rendered in the site's default language (Simplified Chinese).
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import MinutesVersion


def render_minutes_html(*, version: MinutesVersion) -> str:
    minutes = version.minutes
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "outcomes/minutes_pdf.html",
            {
                "minutes": minutes,
                "version": version,
                "content": version.content,
                "community": minutes.community,
            },
        )


# Read from the app's folder, not a URL: the worker renders without a web server,
# and the pages' Content-Security-Policy allows no inline <style>.
STYLESHEET = Path(__file__).resolve().parent / "static" / "outcomes" / "minutes_pdf.css"


def render_minutes_pdf(*, version: MinutesVersion) -> bytes:
    from weasyprint import CSS, HTML

    html = render_minutes_html(version=version)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )
