"""/healthz: the state of the database, the cache and the Celery broker.

Anyone may ask (load balancers, monitors), so the answer names what is down and
nothing more: the error text, which can hold hosts, ports and driver details, goes
to the log.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key = "healthz:probe"
    value = str(time.time())
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was stored")
    return "ok"


def _check_broker() -> str:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
def healthz(request):
    """Answer 200 when every dependency answers, 503 naming the one that does not."""
    report = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
            healthy = False
            report[name] = "error"
            logger.error("healthz: %s is down: %s: %s", name, type(exc).__name__, exc)
    report["status"] = "ok" if healthy else "unavailable"
    report["broker_transport"] = settings.CELERY_BROKER_URL.split(":", 1)[0]
    return JsonResponse(report, status=200 if healthy else 503)
