import io

import pytest
from django.core.management import call_command

from residents import demo
from residents.models import (
    Community,
    Membership,
    Organization,
    OrganizationKind,
    Resident,
    Role,
    User,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_residents_demo(monkeypatch):
    """Run residents.demo alone: other apps test their own demo modules."""
    import importlib.util

    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        if name.endswith(".demo") and name not in ("residents.demo",):
            return None
        return real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def snapshot():
    return {
        "communities": Community.objects.count(),
        "residents": sorted(
            Resident.objects.values_list(
                "community__slug", "household", "name", "mobile"
            )
        ),
        "users": sorted(User.objects.values_list("username", "password")),
        "memberships": Membership.objects.count(),
        "organizations": Organization.objects.count(),
        "members": Organization.members.through.objects.count(),
    }


def test_seed_demo_twice_changes_nothing():
    seed(residents=300, communities=3)
    first = snapshot()
    output = seed(residents=300, communities=3)
    assert snapshot() == first
    assert "0 residents added" in output


def test_seed_demo_builds_every_role_and_the_five_kinds():
    seed(residents=400, communities=2)
    tingtang = Community.objects.get(slug="tingtang")
    assert tingtang.name == "汀塘社区"
    second = Community.objects.get(slug="dongqiao")
    assert second.district == tingtang.district
    assert tingtang.district.name == "秀屿区"
    assert Resident.objects.filter(community=tingtang).count() == 280 + 1
    kinds = set(
        Organization.objects.filter(community=tingtang).values_list("kind", flat=True)
    )
    assert kinds == set(OrganizationKind.values)
    social_worker = Membership.objects.get(role=Role.SOCIAL_WORKER)
    assert social_worker.organization.name == "福建启福社工"
    assert social_worker.organization.kind == OrganizationKind.SOCIAL_WORK_AGENCY
    assert User.objects.get(username="admin").is_superuser
    for _label, mobile, username, password in demo.demo_logins():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        if mobile:
            assert user.mobile == mobile


def test_demo_logins_work_on_the_login_form(client):
    seed(residents=50, communities=2)
    response = client.post(
        "/accounts/login/", {"username": "13900000001", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/c/tingtang/residents/").status_code == 200


def test_households_and_tags_are_sensible():
    people = list(
        demo.generate_people(prefix="TT", seed="x", count=4000, mobile_offset=0)
    )
    sizes = {}
    for person in people:
        sizes[person["household"]] = sizes.get(person["household"], 0) + 1
    assert max(sizes.values()) <= 5
    elderly_alone = sum(p["is_elderly_alone"] for p in people)
    left_behind = sum(p["is_left_behind_child"] for p in people)
    disability = sum(p["has_disability"] for p in people)
    assert 0.02 * 4000 < elderly_alone < 0.15 * 4000
    assert 0.03 * 4000 < left_behind < 0.25 * 4000
    assert 0.01 * 4000 < disability < 0.06 * 4000
    for person in people:
        if person["is_elderly_alone"]:
            assert demo.DEMO_YEAR - person["birth_year"] >= 60
        if person["is_left_behind_child"]:
            assert demo.DEMO_YEAR - person["birth_year"] < 18
    mobiles = [p["mobile"] for p in people if p["mobile"]]
    assert len(mobiles) == len(set(mobiles))
    # A smaller run is the beginning of a larger one.
    assert (
        list(demo.generate_people(prefix="TT", seed="x", count=100, mobile_offset=0))
        == people[:100]
    )


def test_seed_calls_each_app_demo_module_after_residents(monkeypatch):
    import importlib.util
    import sys
    import types

    calls = []
    fake = types.ModuleType("notifications.demo")
    fake.seed = lambda context: calls.append(
        (
            context["community"].slug,
            sorted(context["users"]),
            callable(context["stdout"]),
        )
    )
    monkeypatch.setitem(sys.modules, "notifications.demo", fake)
    hidden_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: (
            object() if name == "notifications.demo" else hidden_find_spec(name, *a)
        ),
    )
    seed(residents=20, communities=2)
    assert calls == [
        (
            "tingtang",
            [
                "district_officer",
                "other_staff",
                "resident",
                "social_worker",
                "staff",
                "superuser",
            ],
            True,
        )
    ]


def test_print_demo_logins():
    seed(residents=20, communities=2)
    out = io.StringIO()
    call_command("print_demo_logins", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    for login in ["13900000001", "13900000002", "13900000003", "13900000004", "admin"]:
        assert login in text
    assert demo.DEMO_PASSWORD in text
    assert "not created yet" not in text


def test_print_demo_logins_shows_usernames_in_aligned_columns(settings):
    from residents.management.commands.print_demo_logins import display_width

    settings.SITE_URL = "http://127.0.0.1:8100"
    seed(residents=20, communities=2)
    out = io.StringIO()
    call_command("print_demo_logins", stdout=out)
    text = out.getvalue()
    assert "Open http://127.0.0.1:8100/" in text
    rows = [line for line in text.splitlines() if demo.DEMO_PASSWORD in line]
    assert len(rows) == 6
    for username in ["tt-staff", "tt-socialworker", "tt-resident", "admin"]:
        assert any(username in row for row in rows)
    # Each column starts in the same terminal column on every row, although the
    # labels mix Chinese (two columns wide) and Latin letters.
    for needle_column in ("139", demo.DEMO_PASSWORD):
        starts = {
            display_width(row[: row.index(needle_column)])
            for row in rows
            if needle_column in row
        }
        assert len(starts) == 1, starts


def test_seed_demo_names_the_virtualenv_python():
    out = io.StringIO()
    call_command("seed_demo", residents=20, communities=1, stdout=out)
    assert ".venv/bin/python manage.py print_demo_logins" in out.getvalue()
