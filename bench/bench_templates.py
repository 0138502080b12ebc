"""Django templates against Jinja2 for one hot fragment: the inbox's list of 20.

    .venv/bin/pip install jinja2      # not a dependency of the site
    .venv/bin/python bench/bench_templates.py

Issue 11 asks whether Django's template engine can reach the speed goal on the
hottest pages, or whether those pages should be rendered with Jinja2. This renders
the real `notifications/partials/_inbox_list.html` (twenty notifications, each
through `_inbox_item.html`: translations, three `{% url %}`, a CSRF field, a date
filter) with Django's engine, and a line-for-line Jinja2 port of the same two
templates with Django's gettext, `reverse` and filters, from the same context, in
one process and without a database. It checks that both give the same HTML (but
for whitespace), then prints the median time per render of each and their ratio.
"""

import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("YISHIHUI_TESTING", "true")

import django  # noqa: E402

django.setup()

import jinja2  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.template import defaultfilters  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.html import format_html  # noqa: E402
from django.utils.translation import gettext, ngettext  # noqa: E402

from notifications.templatetags.notifications_tags import local_datetime  # noqa: E402

ITEM = """<li id="notification-{{ n.pk }}" class="list-group-item py-3 inbox-item\
{% if not n.is_read %} inbox-unread{% endif %}">
  <div class="d-flex flex-wrap justify-content-between gap-2">
    <div class="flex-grow-1">
      {% if not n.is_read %}<span class="badge text-bg-warning me-1">{{ _("New") }}</span>{% endif %}
      <a class="fw-bold inbox-subject" href="{{ url('notifications:open', n.pk) }}">{{ n.subject }}</a>
      <div class="small text-body-secondary">{{ n.created_at|local_datetime }}\
{% if n.community %} · {{ n.community.name }}{% endif %}</div>
    </div>
    {% if not n.is_read %}
    <form method="post" action="{{ url('notifications:mark_read', n.pk) }}"
          hx-post="{{ url('notifications:mark_read', n.pk) }}" hx-target="#notification-{{ n.pk }}" hx-swap="outerHTML">
      {{ csrf_input }}<input type="hidden" name="next" value="{{ request.get_full_path() }}">
      <button type="submit" class="btn btn-outline-secondary btn-sm">{{ _("Mark read") }}</button>
    </form>
    {% endif %}
  </div>
  <p class="mb-0 mt-2 inbox-body">{{ n.body|linebreaksbr }}</p>
</li>"""

LIST = """<div id="inbox-list">
  {% if flash %}<div class="alert alert-success" role="status">{{ flash }}</div>{% endif %}
  {% if page_obj.paginator.count %}
  <div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">
    <p class="mb-0 text-body-secondary">{{ ngettext("%(counter)s notification", \
"%(counter)s notifications", page_obj.paginator.count)|format(counter=page_obj.paginator.count) }}\
{% if unread %} · {{ ngettext("%(counter)s unread", "%(counter)s unread", unread)\
|format(counter=unread) }}{% endif %}</p>
    {% if unread %}
    <form method="post" action="{{ url('notifications:mark_all_read') }}"
          hx-post="{{ url('notifications:mark_all_read') }}" hx-target="#inbox-list" hx-swap="outerHTML">
      {{ csrf_input }}<input type="hidden" name="page" value="{{ page_obj.number }}">\
<input type="hidden" name="next" value="{{ request.get_full_path() }}">
      <button type="submit" class="btn btn-outline-primary">{{ _("Mark all read") }}</button>
    </form>
    {% endif %}
  </div>
  <ul class="list-group">
    {% for n in page_obj %}{% include "item" %}{% endfor %}
  </ul>
  {% endif %}
</div>"""


def jinja_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"item": ITEM, "list": LIST}),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals["url"] = lambda name, *args: reverse(name, args=args)
    env.globals["_"] = gettext
    env.globals["ngettext"] = ngettext
    env.filters["local_datetime"] = local_datetime
    env.filters["linebreaksbr"] = lambda value: defaultfilters.linebreaksbr(
        value, autoescape=True
    )
    return env


def context():
    request = RequestFactory().get("/inbox/")
    request.user = SimpleNamespace(is_authenticated=True)
    token = get_token(request)
    start = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    community = SimpleNamespace(name="汀塘社区")
    notifications = [
        SimpleNamespace(
            pk=1000 + n,
            is_read=n % 3 == 0,
            subject=f"议题“三号楼门口路灯维修”有了新进展（{n}）",
            body="议事会已把您提交的议题列入议程。\n会议时间：12月14日上午9点。",
            created_at=start + timedelta(hours=n),
            community=community,
        )
        for n in range(20)
    ]
    page = Paginator(notifications, 20).get_page(1)
    return request, token, {"page_obj": page, "unread": 13, "flash": ""}


def timed(render, runs=9, per_run=200) -> float:
    for _ in range(50):
        render()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(per_run):
            render()
        times.append((time.perf_counter() - started) / per_run * 1000)
    return statistics.median(times)


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def main() -> int:
    translation.activate("zh-hans")
    request, token, ctx = context()
    env = jinja_environment()
    template = env.get_template("list")
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
    )

    def django_render():
        return render_to_string(
            "notifications/partials/_inbox_list.html", ctx, request=request
        )

    def jinja_render():
        return template.render(**ctx, request=request, csrf_input=csrf_input)

    mine, theirs = squeeze(django_render()), squeeze(jinja_render())
    # The CSRF field's value is masked afresh on each render: compare without it.
    mask = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    if mask.sub("", mine) != mask.sub("", theirs):
        for a, b in zip(mask.sub("", mine), mask.sub("", theirs), strict=False):
            if a != b:
                break
        print("the two renders differ:\n", mine[:600], "\n", theirs[:600])
        return 1
    django_ms, jinja_ms = timed(django_render), timed(jinja_render)
    print(f"inbox list of 20, {len(mine):,} characters, same HTML from both engines")
    print(f"  Django templates: {django_ms:.2f} ms a render")
    print(f"  Jinja2 {jinja2.__version__}:      {jinja_ms:.2f} ms a render")
    print(f"  Jinja2 takes {jinja_ms / django_ms:.0%} of Django's time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
