"""Print where the app runs and how to log in as each demo role."""

from django.conf import settings
from django.core.management.base import BaseCommand

from residents import demo
from residents.models import User


class Command(BaseCommand):
    help = "Print the URL and the demo login (mobile or username, password) per role."

    def handle(self, *args, **options):
        url = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + "/"
        usernames = [login[1] for login in [*demo.DEMO_LOGINS, demo.SUPERUSER]]
        existing = set(
            User.objects.filter(username__in=usernames).values_list(
                "username", flat=True
            )
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Open {url}"))
        self.stdout.write("")
        width = max(len(label) for label, _login, _password in demo.demo_logins())
        for (label, login, password), username in zip(
            demo.demo_logins(), usernames, strict=True
        ):
            note = "" if username in existing else "  (not created yet: run seed_demo)"
            self.stdout.write(f"  {label.ljust(width)}  {login:<13}  {password}{note}")
        self.stdout.write("")
