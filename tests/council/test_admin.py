import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_pages_render(client, open_meeting, seated):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for model in (
        "council",
        "councilchange",
        "seat",
        "meeting",
        "invitation",
        "attendance",
    ):
        response = client.get(reverse(f"admin:council_{model}_changelist"))
        assert response.status_code == 200, model
    response = client.get(
        reverse("admin:council_meeting_change", args=[open_meeting.pk])
    )
    assert response.status_code == 200
