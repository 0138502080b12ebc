"""Background work for reports: thin wrappers over services."""

from celery import shared_task

from .models import Export
from .services import export_run, exports_expire, snapshots_make


@shared_task(acks_late=True)
def run_export(export_id: int) -> None:
    export = (
        Export.objects.select_related("community", "meeting")
        .filter(pk=export_id)
        .first()
    )
    if export is None or not export.is_running:
        return  # rolled back, or already written
    export_run(export=export)


@shared_task(acks_late=True)
def expire_exports() -> int:
    """Hourly: delete export files older than a day."""
    return exports_expire()


@shared_task(acks_late=True)
def make_snapshots() -> int:
    """Daily: count each community's figures for the month."""
    return snapshots_make()
