"""core.sections: higher apps add sections to lower apps' pages, in order."""

from django.template import Context, Template
from django.test import RequestFactory

from core import sections


def test_sections_render_in_order_and_empty_ones_are_skipped(monkeypatch):
    monkeypatch.setattr(sections, "_SECTIONS", {})
    sections.register_page_section(
        page="demo.page",
        order=20,
        template_name="voting/partials/_status_badge.html",
        context=lambda request, obj: {"round": obj},
    )
    sections.register_page_section(
        page="demo.page",
        order=10,
        template_name="voting/partials/_status_badge.html",
        context=lambda request, obj: None,
    )
    request = RequestFactory().get("/")
    shown = sections.page_sections(page="demo.page", request=request, obj="x")
    assert [name for name, _ctx in shown] == ["voting/partials/_status_badge.html"]
    assert sections.page_sections(page="other.page", request=request, obj="x") == []


def test_the_tag_renders_nothing_without_a_request():
    html = Template(
        '{% load page_sections %}{% page_sections "council.meeting" obj %}'
    ).render(Context({"obj": None}))
    assert html == ""
