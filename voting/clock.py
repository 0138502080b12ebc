"""The server's clock for voting: the database's, so several web servers agree.

On PostgreSQL `clock_timestamp()` is read, not `now()`: `now()` is the start of the
transaction, and a ballot that waited for the round's lock must be judged by the
moment it got it. SQLite runs on one machine, whose clock is the database's.
VOTING_CLOCK = "python" uses Python's clock everywhere (tests that move it).
"""

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone


def database_now() -> datetime:
    if connection.vendor == "postgresql" and settings.VOTING_CLOCK == "database":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()
