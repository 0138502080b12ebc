"""seed_demo as `make run` uses it: every app's demo data, twice, small and whole."""

import io

import pytest
from django.core.management import call_command

from council.models import Meeting, Seat
from residents.models import Resident
from topics.models import Topic

pytestmark = pytest.mark.django_db


def _seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _counts():
    return (
        Resident.objects.count(),
        Topic.objects.count(),
        Seat.objects.count(),
        Meeting.objects.count(),
    )


def test_seed_demo_fills_every_app_and_a_second_run_changes_nothing():
    _seed(residents=300)
    first = _counts()
    residents, topics, seats, meetings = first
    assert 300 <= residents <= 310  # plus the demo logins own records
    assert topics >= 6 and seats >= 6 and meetings == 2
    _seed(residents=300)
    assert _counts() == first


def test_seed_demo_with_very_few_residents_still_completes():
    output = _seed(residents=20)
    assert "Demo data ready" in output
    assert Topic.objects.exists() and Meeting.objects.count() == 2
