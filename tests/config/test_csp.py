"""Content-Security-Policy: no inline script or style is allowed, and none is needed."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part
    )


@override_settings(DEBUG=False)
def test_pages_allow_only_this_sites_scripts_and_styles(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    "path", ["/c/tingtang/", "/c/tingtang/topics/", "/c/tingtang/council/meetings/"]
)
def test_signed_in_pages_send_the_policy_too(login, staff_user, community, path):
    response = login(staff_user).get(path)
    assert response.status_code == 200
    assert _policy(response)["script-src"] == "'self'"
    assert _policy(response)["style-src"] == "'self'"


def test_the_page_tells_htmx_not_to_add_its_style_element(client):
    html = client.get("/accounts/login/").content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>'
        in (html)
    )
    css = (ROOT / "static/css/app.css").read_text(encoding="utf-8")
    assert ".htmx-request .htmx-indicator" in css


INLINE = {
    "inline script without the nonce": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=\"\{\{ CSP_NONCE \}\}\")"
        r"(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>",
        re.IGNORECASE,
    ),
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


def test_templates_have_no_inline_script_handler_or_style():
    templates = [
        path
        for pattern in ("templates/**/*.html", "*/templates/**/*.html")
        for path in ROOT.glob(pattern)
        if ".venv" not in path.parts
    ]
    assert len(templates) > 50
    found = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []
