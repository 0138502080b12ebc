"""Print the broker's queue lengths and the failed deliveries."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from notifications.broker import queue_lengths, transport
from notifications.models import Delivery, DeliveryStatus


class Command(BaseCommand):
    help = "Print the Celery queue lengths and the failed notification deliveries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=20, help="failed deliveries to list"
        )

    def handle(self, *args, limit, **options):
        kind = transport()
        self.stdout.write(f"Broker: {kind}")
        try:
            lengths = queue_lengths()
            if lengths is None:
                self.stdout.write(f"  queue lengths are not readable on {kind}")
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
