"""Where a key page's time goes, in one process: ms per request and a profile.

    .venv/bin/python bench/pages.py --size demo --seed-only --db yh_prof
    .venv/bin/python bench/profile_pages.py --db yh_prof
    .venv/bin/python bench/profile_pages.py --db yh_prof --pages "topic page" --profile

Serves each page of `pages.PAGES` through the WSGI application (PostgreSQL and Redis
as `pages.py` sets them, DEBUG off), `--batches` batches of `--requests` requests,
and prints the median ms per request beside the bare page's, timed the same way in a
child process (its settings cannot share this one). `--profile` prints the functions
that cost most for each chosen page (cProfile, sorted by own time and by total time).
Figures here leave out gunicorn, the network and the load tool (and not Django's
test client, whose record of every template rendered distorts pages of many
includes): they say which part of a page costs, while `pages.py` says what a
visitor gets.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import pages  # noqa: E402


class Wsgi:
    """Calls the WSGI application as gunicorn does: no test client in the way.

    Django's test client records every template rendered with a copy of its
    context, which on a page of many includes costs more than the includes.
    """

    def __init__(self, cookie: str | None = None):
        from django.core.handlers.wsgi import WSGIHandler
        from django.test.client import RequestFactory

        self.handler, self.factory = WSGIHandler(), RequestFactory()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
        if cookie:
            self.headers["HTTP_COOKIE"] = cookie

    def get(self, path: str) -> str:
        path, _, query = path.partition("?")
        environ = self.factory._base_environ(
            PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD="GET", **self.headers
        )
        status = []
        body = self.handler(environ, lambda code, headers, *_: status.append(code))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return status[0]


def time_path(client: Wsgi, path: str, *, requests: int, batches: int) -> float:
    client.get(path)
    runs = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(requests):
            status = client.get(path)
        runs.append((time.perf_counter() - start) * 1000 / requests)
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}")
    return statistics.median(runs)


def bare(db: str, requests: int, batches: int) -> None:
    os.environ.update(pages.env_for(db), DJANGO_SETTINGS_MODULE="bench.bare.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(f"{time_path(Wsgi(), '/', requests=requests, batches=batches):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="bench_pages")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--pages", nargs="*", help="only pages whose name has this")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--lines", type=int, default=30)
    parser.add_argument("--only", help="profile lines whose file matches this regex")
    parser.add_argument("--sql", action="store_true", help="print each page's queries")
    parser.add_argument("--internal-bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.internal_bare:
        bare(args.db, args.requests, args.batches)
        return 0
    bare_ms = float(
        subprocess.run(
            [pages.PY, __file__, "--internal-bare", "--db", args.db]
            + ["--requests", str(args.requests), "--batches", str(args.batches)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()[-1]
    )
    prepared = pages.prepare(args.db)

    print(
        f"bare page: {bare_ms:.2f} ms per request (40 % of its speed: "
        f"{bare_ms / 0.4:.1f} ms)"
    )
    print(f"{'page':<28} {'ms':>7} {'× bare':>7} {'queries':>7} {'KB':>6}")
    for name, role, _path_for in pages.PAGES:
        if args.pages and not any(p in name for p in args.pages):
            continue
        path, queries, size = prepared["measured"][name]
        client = Wsgi(prepared["cookies"][role])
        ms = time_path(client, path, requests=args.requests, batches=args.batches)
        print(
            f"{name:<28} {ms:7.2f} {ms / bare_ms:7.1f} {queries:7d} {size / 1024:6.1f}",
            flush=True,
        )
        if args.sql:
            from django.db import connection

            statements = []

            def record(execute, sql, *rest, statements=statements):
                statements.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(record):
                client.get(path)
            for sql in statements:
                print(f"    {sql[:300]}")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                client.get(path)
            profile.disable()
            for key in ("tottime", "cumulative"):
                out = io.StringIO()
                restrictions = [args.only] if args.only else []
                pstats.Stats(profile, stream=out).sort_stats(key).print_stats(
                    *restrictions, args.lines
                )
                print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
