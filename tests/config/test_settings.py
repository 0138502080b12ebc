"""Start-up behaviour, checked in a fresh process as an operator would see it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "YISHIHUI_TESTING",
            "PYTEST_CURRENT_TEST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env["ENV_FILE"] = os.devnull  # a developer's .env must not answer for the test
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key_and_says_what_to_set():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_makemigrations_runs_without_debug_or_secret_key():
    # It reads the code only: no production secret needed to check migrations.
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_a_serving_command_without_secret_key_says_so_in_one_line():
    result = _manage("migrate", "--check")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0] and "DEBUG=true" in lines[0]
    assert "Traceback" not in result.stderr and not result.stdout


def test_deploy_check_is_clean_with_production_environment():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="yishihui.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.quickstart
def test_the_quick_starts_web_server_and_worker_share_one_cache(tmp_path):
    """Without Redis, what one process forgets (a kept page a task changed) the
    other must not keep: two processes read and write the same cache."""
    quick_start = {
        "DEBUG": "true",
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    write = "from django.core.cache import cache; cache.set('round-closed', 'yes', 60)"
    read = "from django.core.cache import cache; print(cache.get('round-closed'))"
    assert _manage("shell", "-c", write, **quick_start).returncode == 0
    result = _manage("shell", "-c", read, **quick_start)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "yes"
