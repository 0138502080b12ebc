"""Settings for bench_voting.py: the real site, with bench/voting_urls.py as URLs."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.voting_urls"
