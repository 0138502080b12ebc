"""The admin lists notifications, deliveries, preferences and logged messages."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.notifications.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["notification", "delivery", "notificationpreference", "loggedsms"]
)
def test_admin_pages_open_for_superusers(client, model):
    delivery = DeliveryFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse(f"admin:notifications_{model}_changelist"))
    assert response.status_code == 200
    if model == "notification":
        change = reverse(
            "admin:notifications_notification_change", args=[delivery.notification_id]
        )
        assert client.get(change).status_code == 200
