"""Load demo data: residents first, then each app's own `<app>.demo.seed(context)`."""

import importlib
import importlib.util
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from residents import demo


class Command(BaseCommand):
    help = (
        "Load demo data (汀塘社区 and its neighbours, organisations, one login per "
        "role). Safe to run again: what exists is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--residents",
            type=int,
            default=demo.DEFAULT_RESIDENTS,
            help="Residents in all communities together (default %(default)s; "
            "汀塘社区 gets the largest share).",
        )
        parser.add_argument(
            "--communities",
            type=int,
            default=demo.DEFAULT_COMMUNITIES,
            help="Communities in the district (default %(default)s).",
        )

    def handle(self, *args, residents, communities, **options):
        if residents < 1 or communities < 1:
            raise CommandError("--residents and --communities must be at least 1.")
        started = time.monotonic()
        context = {
            "residents": residents,
            "communities": communities,
            "stdout": self.stdout.write,
        }
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            seed = getattr(module, "seed", None)
            if seed is None:
                continue
            step_started = time.monotonic()
            with transaction.atomic():
                seed(context)
            self.stdout.write(
                f"{module_name}: done in {time.monotonic() - step_started:.1f}s"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f}s. "
                "Logins: .venv/bin/python manage.py print_demo_logins"
            )
        )
