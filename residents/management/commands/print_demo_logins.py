"""Print where the app runs and how to log in as each demo role."""

import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand

from residents import demo
from residents.models import User


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


class Command(BaseCommand):
    help = "Print the URL and the demo logins (mobile number or username, password)."

    def handle(self, *args, **options):
        url = settings.SITE_URL.rstrip("/") + "/"
        rows = demo.demo_logins()
        existing = set(
            User.objects.filter(
                username__in=[username for _l, _m, username, _p in rows]
            ).values_list("username", flat=True)
        )
        header = ("", "mobile 手机号", "username 用户名", "password 密码")
        table = [
            header,
            *((label, mobile or "-", u, p) for label, mobile, u, p in rows),
        ]
        widths = [max(display_width(row[i]) for row in table) for i in range(4)]

        def line(row):
            return "  " + "  ".join(pad(cell, widths[i]) for i, cell in enumerate(row))

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Open {url}"))
        self.stdout.write("")
        self.stdout.write(line(header).rstrip())
        for row, (_label, _mobile, username, _password) in zip(
            table[1:], rows, strict=True
        ):
            note = "" if username in existing else "  (not created yet: run seed_demo)"
            self.stdout.write(line(row).rstrip() + note)
        self.stdout.write("")
        self.stdout.write("Log in with the mobile number or the username.")
        self.stdout.write("")
