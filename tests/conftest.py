"""Shared fixtures: communities, people in each role, and skips for missing services."""

import functools
import itertools
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections

from residents.models import Role
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    MembershipFactory,
    ResidentFactory,
    UserFactory,
)

__all__ = ["PASSWORD"]

USING_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
USING_REDIS = bool(settings.REDIS_URL)


_moved_clock = None


def pytest_configure(config):
    """With YISHIHUI_TEST_CLOCK set (e.g. 2028-06-01 or 2026-01-15T21:30), run the
    whole session from that moment, the clock ticking, to find tests that only pass
    near the day they were written. A date without a time starts at noon in Beijing;
    a time without a zone is UTC. Processes a test starts keep the real clock."""
    global _moved_clock
    value = os.environ.get("YISHIHUI_TEST_CLOCK", "").strip()
    if not value:
        return
    moment = datetime.fromisoformat(value if "T" in value else f"{value}T04:00")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    _moved_clock = time_machine.travel(moment, tick=True)
    _moved_clock.start()


def pytest_report_header(config):
    if _moved_clock is not None:
        return (
            f"clock moved to {os.environ['YISHIHUI_TEST_CLOCK']} (YISHIHUI_TEST_CLOCK)"
        )
    return None


def pytest_unconfigure(config):
    if _moved_clock is not None:
        _moved_clock.stop()


@functools.cache
def _starts_a_worker(path: str) -> bool:
    text = Path(path).read_text(encoding="utf-8")
    return "start_worker" in text or "celery -A" in text or '"worker"' in text


@pytest.hookimpl(tryfirst=True)  # before -m selects on the markers added here
def pytest_collection_modifyitems(config, items):
    reasons = {
        "postgres": (USING_POSTGRES, "needs PostgreSQL: set DATABASE_URL (CI does)"),
        "redis": (USING_REDIS, "needs Redis: set REDIS_URL (CI does)"),
        "e2e": (
            os.path.exists(os.environ.get("CHROMIUM", "/usr/bin/chromium")),
            "needs Debian chromium at /usr/bin/chromium (apt-get install chromium)",
        ),
    }
    for item in items:
        # Tests that talk to the real broker share its queues: with pytest-xdist
        # they run one after another on the same worker (--dist loadgroup).
        if (
            "redis" in item.keywords
            or "filesystem_app" in getattr(item, "fixturenames", ())
            or _starts_a_worker(str(item.fspath))
        ):
            item.add_marker(pytest.mark.broker)
            item.add_marker(pytest.mark.xdist_group("broker"))
        for marker, (available, reason) in reasons.items():
            if marker in item.keywords and not available:
                item.add_marker(pytest.mark.skip(reason=reason))


def _close_connections(**kwargs):
    connections.close_all()


_test_numbers = itertools.count()
# And a run of its own: Redis outlives a test run, and each xdist worker counts
# its tests from zero.
_run = uuid.uuid4().hex[:8]


@pytest.fixture(autouse=True)
def _a_cache_of_its_own(settings):
    """Each test starts with an empty cache: its keys get a prefix of their own.

    What the code remembers in the cache (a page opened, a task queued) names rows
    by id, and ids come back after a test's rollback; a prefix per test (not a
    flush: with Redis the broker may share the database) keeps one test's memory
    out of the next.
    """
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    for config in caches.values():
        config["KEY_PREFIX"] = (
            f"{config.get('KEY_PREFIX', '')}{_run}t{next(_test_numbers)}"
        )
    settings.CACHES = caches


@pytest.fixture
def filesystem_app(tmp_path, settings):
    """A real Celery worker on kombu's filesystem transport, as `make run` has it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "queue"
    folder.mkdir()
    app = Celery("filesystem-test", set_as_current=False)
    app.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(tmp_path / "control"),
            "store_processed": False,
        },
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
    )
    app.finalize()
    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        ):
            yield app
    finally:
        task_postrun.disconnect(_close_connections)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and the callbacks of its commit, as a real request's commit does
    (what services announce on commit: kept pages changed, tasks queued)."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast_passwords(settings):
    """Hash passwords with MD5 in tests that make many users (PBKDF2 takes seconds
    per user on a busy machine). Use with pytest.mark.usefixtures."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def community(db):
    return CommunityFactory(name="汀塘社区", slug="tingtang")


@pytest.fixture
def other_community(db, community):
    return CommunityFactory(
        name="东峤社区", slug="dongqiao", district=community.district
    )


def _member(community, role, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, community=community, role=role)
    return user


@pytest.fixture
def staff_user(community):
    return _member(community, Role.STAFF, display_name="林工作人员")


@pytest.fixture
def social_worker(community):
    return _member(community, Role.SOCIAL_WORKER, display_name="陈社工")


@pytest.fixture
def resident_user(community):
    user = _member(community, Role.RESIDENT, display_name="王阿姨")
    ResidentFactory(
        community=community, user=user, name="王阿姨", mobile=user.mobile or ""
    )
    return user


@pytest.fixture
def representative(community):
    """A resident with a login who holds a seat on the council (代表)."""
    from datetime import timedelta

    from django.utils import timezone

    from council import services as council_services
    from council.models import Council, SeatKind

    user = _member(community, Role.RESIDENT, display_name="郑代表")
    resident = ResidentFactory(
        community=community, user=user, name="郑代表", mobile=user.mobile or ""
    )
    council = Council.objects.get(community=community)
    kind = SeatKind.objects.filter(
        council=council, represents_organization=False
    ).first()
    kind.seat_count += 1  # a seat of its own, whoever else is seated
    kind.save(update_fields=["seat_count"])
    council_services.seat_assign(
        council=council,
        by=None,
        kind=kind,
        resident=resident,
        term_start=timezone.localdate() - timedelta(days=30),
    )
    return user


@pytest.fixture
def district_officer(community):
    user = UserFactory(display_name="民政局李科长")
    MembershipFactory(
        user=user,
        community=None,
        district=community.district,
        role=Role.DISTRICT_OFFICER,
    )
    return user


@pytest.fixture
def other_staff_user(other_community):
    return _member(other_community, Role.STAFF, display_name="东峤工作人员")


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def do_login(user):
        client.force_login(user)
        return client

    return do_login


def pytest_sessionfinish(session, exitstatus):
    """With YISHIHUI_FORBID_SKIPS set (CI's PostgreSQL run), a skipped test fails the run."""
    if not os.environ.get("YISHIHUI_FORBID_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            print(f"\nSKIPPED (forbidden here): {report.nodeid}: {report.longrepr}")
        session.exitstatus = 1
