"""The embedded default: a real worker on kombu's filesystem transport (no Redis)."""

import time

import pytest

from notifications.models import Delivery, DeliveryStatus, LoggedSms
from notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


def test_filesystem_worker_delivers(filesystem_app, offline_resident, resident_user):
    assert "notifications.tasks.deliver_batch" in filesystem_app.tasks
    notify(
        recipients=[offline_resident, resident_user],
        kind="test_event",
        context={"title": "议事会明天开会"},
        dedupe_key="meeting:4:reminder",
    )
    ids = list(Delivery.objects.values_list("pk", flat=True))
    filesystem_app.send_task("notifications.tasks.deliver_batch", args=[ids])

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists():
            break
        time.sleep(0.1)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert LoggedSms.objects.count() == 2
