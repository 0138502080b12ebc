"""core.prepared.PreparedQuery: a query compiled once gives what the queryset gives."""

import threading

import pytest
from django.db import connections
from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler

from core.prepared import PreparedQuery
from residents.models import Membership, Role
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def memberships_of(user_id):
    return (
        Membership.objects.filter(user_id=user_id)
        .select_related("user", "community__district", "district")
        .order_by("pk")
    )


def described(memberships):
    """What a page reads of each membership and its related rows."""
    return [
        (
            m.pk,
            m.role,
            m.user.username,
            m.community and (m.community.slug, m.community.district.name),
            m.district and m.district.name,
        )
        for m in memberships
    ]


@pytest.fixture
def two_logins():
    resident = MembershipFactory(role=Role.RESIDENT).user
    MembershipFactory(user=resident, community=CommunityFactory(), role=Role.STAFF)
    officer = UserFactory()
    Membership.objects.create(
        user=officer,
        district=DistrictFactory(name="涵江区"),
        role=Role.DISTRICT_OFFICER,
    )
    return resident, officer


@pytest.fixture
def compilations(monkeypatch):
    """How many times Django built a query's SQL."""
    count = []
    as_sql = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        count.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return count


def test_each_value_gets_the_rows_and_related_rows_the_queryset_gives(two_logins):
    prepared = PreparedQuery(memberships_of, samples=(-123_456_789,))
    for user in (*two_logins, *two_logins):
        expected = described(memberships_of(user.pk))
        assert described(prepared(user.pk)) == expected
        assert expected


def test_the_sql_is_built_once_and_each_call_is_one_query(
    two_logins, compilations, django_assert_num_queries
):
    prepared = PreparedQuery(memberships_of, samples=(-123_456_789,))
    resident, officer = two_logins
    prepared(resident.pk)
    compilations.clear()
    with django_assert_num_queries(1):
        assert len(prepared(officer.pk)) == 1
    with django_assert_num_queries(1):
        assert len(prepared(resident.pk)) == 2
    assert compilations == []


def test_a_value_with_no_rows_gives_an_empty_list(two_logins):
    prepared = PreparedQuery(memberships_of, samples=(-123_456_789,))
    assert prepared(10**9) == []


def test_a_missing_related_row_is_none_not_a_stale_one(two_logins):
    """The officer's membership has no community: no object left from another row."""
    prepared = PreparedQuery(memberships_of, samples=(-123_456_789,))
    resident, officer = two_logins
    prepared(resident.pk)
    (membership,) = prepared(officer.pk)
    assert membership.community is None and membership.district.name == "涵江区"


def test_forget_builds_the_query_again_with_its_new_shape(
    two_logins, compilations, django_assert_num_queries
):
    relations = ["user"]

    def build(user_id):
        return Membership.objects.filter(user_id=user_id).select_related(*relations)

    prepared = PreparedQuery(build, samples=(-123_456_789,))
    resident, _ = two_logins
    prepared(resident.pk)
    relations.append("community")
    prepared.forget()
    compilations.clear()
    first, _ = prepared(resident.pk)
    assert len(compilations) == 1
    with django_assert_num_queries(0):  # loaded with the row now
        assert first.community.slug


def test_a_sample_that_is_no_parameter_is_refused():
    prepared = PreparedQuery(
        lambda user_id: Membership.objects.filter(Q(role=Role.STAFF)),
        samples=(-123_456_789,),
    )
    with pytest.raises(ValueError, match="-123456789"):
        prepared(1)


def test_each_thread_runs_it_on_its_own_connection(two_logins):
    """Django refuses a connection made in another thread: each compiles its own."""
    prepared = PreparedQuery(memberships_of, samples=(-123_456_789,))
    resident, officer = two_logins
    prepared(resident.pk)
    found = {}

    def in_a_thread():
        try:
            found["rows"] = described(prepared(officer.pk))
        finally:
            connections["default"].close()

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert found == {"rows": described(memberships_of(officer.pk))}


def test_several_values_each_go_to_their_own_places(two_logins):
    def build(user_id, role):
        return memberships_of(user_id).filter(role=role)

    prepared = PreparedQuery(build, samples=(-123_456_789, "no such role"))
    resident, officer = two_logins
    for user, role in [
        (resident, Role.STAFF),
        (resident, Role.RESIDENT),
        (officer, Role.DISTRICT_OFFICER),
        (officer, Role.STAFF),
    ]:
        assert described(prepared(user.pk, role)) == described(build(user.pk, role))
    with pytest.raises(TypeError):
        prepared(resident.pk)


@pytest.mark.postgres
def test_postgresql_plans_it_once_per_connection(two_logins, django_assert_num_queries):
    """Prepared on the server on first use (not a query the page counts), then
    executed; a new connection prepares it again."""
    prepared = PreparedQuery(memberships_of, samples=(-123_456_789,))
    resident, officer = two_logins
    connection = connections["default"]

    def statements() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    with django_assert_num_queries(1) as captured:
        rows = described(prepared(resident.pk))
    assert rows == described(memberships_of(resident.pk))
    assert captured.captured_queries[0]["sql"].startswith("EXECUTE yh_prepared_")
    assert any('"residents_membership"' in s for s in statements())
    assert described(prepared(officer.pk)) == described(memberships_of(officer.pk))
    connection.close()
    assert described(prepared(officer.pk)) == described(memberships_of(officer.pk))


def test_a_value_no_id_column_holds_finds_nothing(two_logins):
    prepared = PreparedQuery(memberships_of, samples=(-123_456_789,))
    assert prepared(2**63) == [] and prepared(-(2**63) - 1) == []
