"""The server's clock for voting: the database's, so several web servers agree.

On PostgreSQL `clock_timestamp()` is read, not `now()`: `now()` is the start of the
transaction, and a ballot that waited for the round's lock must be judged by the
moment it got it. SQLite runs on one machine, whose clock is the database's.
VOTING_CLOCK = "python" uses Python's clock everywhere (tests that move it).
"""

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, Func
from django.utils import timezone


def reads_database_clock() -> bool:
    return connection.vendor == "postgresql" and settings.VOTING_CLOCK == "database"


class ClockTimestamp(Func):
    """The database's clock as a column: read in the same query as a round."""

    function = "clock_timestamp"
    template = "%(function)s()"
    output_field = DateTimeField()


def database_now() -> datetime:
    if reads_database_clock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()
