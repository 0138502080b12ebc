"""Print the broker's queue lengths and the failed deliveries."""

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from notifications.models import Delivery, DeliveryStatus


def queue_names() -> list[str]:
    from config.celery import app

    names = {app.conf.task_default_queue or "celery"}
    for queue in app.conf.task_queues or []:
        names.add(queue.name)
    return sorted(names)


def redis_queue_lengths(url: str, names: list[str]) -> dict[str, int]:
    import redis

    client = redis.Redis.from_url(url)
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


class Command(BaseCommand):
    help = "Print the Celery queue lengths and the failed notification deliveries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=20, help="failed deliveries to list"
        )

    def handle(self, *args, limit, **options):
        broker = settings.CELERY_BROKER_URL
        transport = broker.split(":", 1)[0]
        names = queue_names()
        self.stdout.write(f"Broker: {transport}")
        try:
            if transport in ("redis", "rediss"):
                lengths = redis_queue_lengths(broker, names)
            elif transport == "filesystem":
                folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
                lengths = filesystem_queue_lengths(folder, names)
            else:
                lengths = None
                self.stdout.write(f"  queue lengths are not readable on {transport}")
        except Exception as exc:  # noqa: BLE001 - report, don't crash the command
            lengths = None
            self.stderr.write(f"  broker unreachable: {exc.__class__.__name__}: {exc}")
        for name, length in (lengths or {}).items():
            self.stdout.write(f"  queue {name}: {length}")

        counts = dict(
            Delivery.objects.values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("status", "n")
        )
        self.stdout.write("Deliveries:")
        for status in DeliveryStatus.values:
            self.stdout.write(f"  {status}: {counts.get(status, 0)}")
        failed = (
            Delivery.objects.failed()
            .select_related("notification", "notification__community")
            .order_by("-updated_at")[:limit]
        )
        total_failed = counts.get(DeliveryStatus.FAILED, 0)
        self.stdout.write(f"Failed deliveries: {total_failed}")
        for d in failed:
            community = (
                d.notification.community.slug if d.notification.community else "-"
            )
            self.stdout.write(
                f"  #{d.pk} {d.channel} {d.address} community={community} "
                f"attempts={d.attempts} updated={d.updated_at:%Y-%m-%d %H:%M} "
                f"error={d.last_error[:120]!r}"
            )
