"""Background work for residents: thin wrappers over services."""

from celery import shared_task

from .models import ResidentImport
from .services import resident_import_run


@shared_task(acks_late=True)
def run_resident_import(resident_import_id: int) -> None:
    resident_import = ResidentImport.objects.filter(pk=resident_import_id).first()
    if resident_import is None or not resident_import.is_running:
        return  # rolled back, cancelled or already done
    resident_import_run(resident_import=resident_import)
