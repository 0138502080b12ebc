"""Read the Celery broker's queue lengths (Redis lists or filesystem folder)."""

from collections import Counter
from pathlib import Path

from django.conf import settings


def queue_names() -> list[str]:
    from celery import current_app as app

    names = {app.conf.task_default_queue or "celery"}
    for queue in app.conf.task_queues or []:
        names.add(queue.name)
    return sorted(names)


def transport() -> str:
    return settings.CELERY_BROKER_URL.split(":", 1)[0]


def redis_queue_lengths(url: str, names: list[str]) -> dict[str, int]:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        lengths = {name: client.llen(name) for name in names}
        # Messages a worker holds (running, prefetched or waiting for their ETA).
        lengths["(unacked)"] = client.hlen("unacked")
    finally:
        client.close()
    return lengths


def filesystem_queue_lengths(folder: str, names: list[str]) -> dict[str, int]:
    counts = Counter()
    for path in Path(folder).glob("*.msg"):
        # kombu names files <timestamp>_<uuid>.<queue>.msg
        counts[path.name.rsplit(".", 2)[-2]] += 1
    return {name: counts.get(name, 0) for name in sorted(set(names) | set(counts))}


def queue_lengths() -> dict[str, int] | None:
    """Return messages waiting per queue, or None when the transport can't tell."""
    names = queue_names()
    kind = transport()
    if kind in ("redis", "rediss"):
        return redis_queue_lengths(settings.CELERY_BROKER_URL, names)
    if kind == "filesystem":
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return filesystem_queue_lengths(folder, names)
    return None


def waiting_messages() -> int | None:
    """Messages ready in the queues (not those a worker holds), or None if unknown."""
    try:
        lengths = queue_lengths()
    except Exception:  # noqa: BLE001 - unknown is a fine answer for a sweep
        return None
    if lengths is None:
        return None
    return sum(n for name, n in lengths.items() if not name.startswith("("))
