"""`make run PORT=...`: a busy port is reported at once, in one line; the server moves
to the port asked for; Ctrl-C stops everything quietly."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.quickstart]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_on_a_busy_port_says_what_to_do_in_one_line_before_set_up(
    busy_port,
):
    started = time.monotonic()
    result = subprocess.run(
        ["make", "--no-print-directory", "run", f"PORT={busy_port}"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    assert result.returncode != 0
    output = (result.stdout + result.stderr).strip()
    assert len(output.splitlines()) == 1, output
    assert f"Port {busy_port}" in output and "already in use" in output
    assert "make run PORT=" in output  # what to do instead
    assert time.monotonic() - started < 10  # before installing or migrating


def test_port_check_script_is_silent_for_a_free_port_and_explains_nonsense():
    script = str(BASE_DIR / "scripts" / "check_port.py")
    free = subprocess.run(
        [sys.executable, script, str(_free_port())], capture_output=True, text=True
    )
    assert free.returncode == 0 and free.stdout == ""
    nonsense = subprocess.run(
        [sys.executable, script, "eighty"], capture_output=True, text=True
    )
    assert nonsense.returncode == 1
    assert "not a port number" in nonsense.stdout


def _wait_for(url: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_web_server_starts_on_the_port_asked_for_and_stops_quietly(busy_port, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        # The page fetched needs no tables; the worker uses the in-memory broker.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "YISHIHUI_TESTING": "true",
        "MAKEFLAGS": "",
    }
    # Not the suite's Redis either: this worker must not take other tests' tasks.
    for name in ("SITE_URL", "REDIS_URL", "PYTEST_XDIST_WORKER"):
        env.pop(name, None)
    runner = subprocess.Popen(
        [sys.executable, "scripts/run_dev.py", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/accounts/login/")
        assert "<form" in page
        # The worker is up too before it is stopped.
        time.sleep(3)
        runner.send_signal(signal.SIGINT)
        output, _ = runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.communicate()
    assert runner.returncode == 0, output
    lines = output.splitlines()
    assert f"Starting development server at http://127.0.0.1:{port}/" in output
    assert lines[-1].endswith("| Stopped.")
    stopping = lines[[i for i, line in enumerate(lines) if "Stopping" in line][0] :]
    assert len(stopping) <= 3, stopping  # blank line, "Stopping", "Stopped."
    assert "ERROR" not in output and "Traceback" not in output
    assert "unacknowledged" not in output


def test_site_url_follows_the_port_unless_set(tmp_path):
    code = "from django.conf import settings; print(settings.SITE_URL)"
    env = {**os.environ, "DEBUG": "true", "PORT": "8100"}
    env.pop("SITE_URL", None)
    follows = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert follows.stdout.strip() == "http://127.0.0.1:8100", follows.stderr
    kept = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SITE_URL": "https://yishihui.example.cn",
        },
        capture_output=True,
        text=True,
    )
    assert kept.stdout.strip() == "https://yishihui.example.cn", kept.stderr
