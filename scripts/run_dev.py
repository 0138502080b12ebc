"""Run the processes of Procfile.dev together, as `make run` does, and stop them cleanly.

    .venv/bin/python scripts/run_dev.py [--port 8000] [--procfile Procfile.dev] [web ...]

Each output line is prefixed with the local time (TIME_ZONE, Asia/Shanghai by
default: the same clock as Django's and Celery's own lines) and the process name.
Ctrl-C stops every process the way Ctrl-C stops it in a terminal of its own
(SIGINT to its process group: Celery's pool children ignore it, the worker shuts
down warmly); what they print while stopping goes to var/log/stop.log, not the
screen. A second Ctrl-C stops them at once. Exits 0 after a Ctrl-C; when one
process ends by itself, the others are stopped and its exit code is returned.

Standard library only: Procfile.dev is simple (`name: command` per line).
"""

import argparse
import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from check_port import problem

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_WAIT_SECONDS = 20


def read_procfile(path: Path) -> dict[str, str]:
    processes = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, command = line.split(":", 1)
        processes[name.strip()] = command.strip()
    return processes


class ForegroundTerminal:
    """Take the terminal's foreground, so Ctrl-C reaches this runner and not `make`.

    Otherwise make receives the SIGINT too and reports "Interrupt" or "Error 130"
    however cleanly everything stopped.
    """

    def __init__(self):
        self.fd = None
        self.previous = None

    def __enter__(self):
        try:
            if not sys.stdin.isatty():
                return self
            fd = sys.stdin.fileno()
            previous = os.tcgetpgrp(fd)
            if previous != os.getpgrp():
                return self  # started in the background: leave the terminal alone
            os.setpgid(0, 0)
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            os.tcsetpgrp(fd, os.getpgrp())
            self.fd, self.previous = fd, previous
        except OSError:
            pass
        return self

    def __exit__(self, *exc_info):
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.tcsetpgrp(self.fd, self.previous)


class Runner:
    def __init__(self, processes: dict[str, str], env: dict[str, str]):
        self.commands = processes
        self.env = env
        self.width = max(len(name) for name in processes)
        self.lines: queue.Queue = queue.Queue()
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_requested = 0
        self.stop_log = None

    def say(self, name: str, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        print(f"{stamp} {name.ljust(self.width)} | {text}", flush=True)

    def _read(self, name: str, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.lines.put((name, raw.decode("utf-8", "replace").rstrip("\n")))
        stream.close()

    def start(self) -> None:
        for name, command in self.commands.items():
            child = subprocess.Popen(
                ["/bin/sh", "-c", command],
                cwd=BASE_DIR,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            self.children[name] = child
            threading.Thread(
                target=self._read, args=(name, child.stdout), daemon=True
            ).start()

    def _signal_all(self, signum: int) -> None:
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(OSError):
                    os.killpg(child.pid, signum)

    def request_stop(self, signum=None, frame=None) -> None:
        self.stop_requested += 1
        if self.stop_requested == 1:
            log_dir = BASE_DIR / "var" / "log"
            log_dir.mkdir(parents=True, exist_ok=True)
            self.stop_log = open(log_dir / "stop.log", "w", encoding="utf-8")  # noqa: SIM115
            print(flush=True)
            self.say("run", "Stopping (press Ctrl-C again to stop at once)...")
            self._signal_all(signal.SIGINT)
        else:
            self._signal_all(signal.SIGKILL)

    def _show(self, name: str, text: str) -> None:
        if self.stop_log is not None:
            self.stop_log.write(f"{time.strftime('%H:%M:%S')} {name} | {text}\n")
        else:
            self.say(name, text)

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        self.start()
        ended_by_itself = None
        stop_started = None
        while True:
            try:
                name, text = self.lines.get(timeout=0.2)
            except queue.Empty:
                pass
            else:
                self._show(name, text)
                continue
            running = [n for n, c in self.children.items() if c.poll() is None]
            if not running:
                break
            if not self.stop_requested:
                done = [n for n, c in self.children.items() if c.poll() is not None]
                if done:
                    ended_by_itself = done[0]
                    code = self.children[ended_by_itself].returncode
                    self.say(
                        "run",
                        f"{ended_by_itself} ended by itself (exit code {code}); "
                        "stopping the others.",
                    )
                    self.request_stop()
            if stop_started is None and self.stop_requested:
                stop_started = time.monotonic()
            if stop_started and time.monotonic() - stop_started > STOP_WAIT_SECONDS:
                self.say("run", f"{', '.join(running)} did not stop in time: killed.")
                self._signal_all(signal.SIGKILL)
                stop_started = float("inf")
        while not self.lines.empty():
            self._show(*self.lines.get())
        if self.stop_log is not None:
            self.stop_log.close()
        if ended_by_itself is not None:
            return self.children[ended_by_itself].returncode or 1
        self.say("run", "Stopped.")
        return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--procfile", default=str(BASE_DIR / "Procfile.dev"))
    parser.add_argument("processes", nargs="*", help="only these (default: all)")
    args = parser.parse_args(argv)

    message = problem(str(args.port))
    if message:
        print(message, flush=True)
        return 1
    processes = read_procfile(Path(args.procfile))
    unknown = [name for name in args.processes if name not in processes]
    if unknown:
        print(f"No process {', '.join(unknown)} in {args.procfile}.", flush=True)
        return 2
    if args.processes:
        processes = {name: processes[name] for name in args.processes}

    # Prefix lines with the same local time that Django and Celery print.
    os.environ.setdefault("TIME_ZONE", "Asia/Shanghai")
    os.environ["TZ"] = os.environ["TIME_ZONE"]
    time.tzset()
    env = {**os.environ, "PORT": str(args.port), "PYTHONUNBUFFERED": "1"}
    with ForegroundTerminal():
        return Runner(processes, env).run()


if __name__ == "__main__":
    sys.exit(main())
